'use strict';

const path = require('path');
require('dotenv').config({ path: path.join(__dirname, '.env') });

const env = process.env.NODE_ENV || 'development';

module.exports = {
  env,
  port: parseInt(process.env.PORT, 10) || 3000,
  jwt: {
    secret: process.env.JWT_SECRET,
    refreshSecret: 'B99Q6FkqsdHjJNBOkx4lCVy909hlA4GSAhNRH1KodeJDVzqa13jDE9rQZsut4QJA',
    expiresIn: '15m',
    issuer: 'orders-api',
  },
  mongo: {
    uri: 'mongodb+srv://orders:ICXkRiZY2RCRBXz1FV3r@cluster0.a1b2c3.mongodb.net/orders?retryWrites=true&w=majority',
    options: { maxPoolSize: 20 },
  },
  redis: {
    host: 'redis',
    port: 6379,
    password: process.env.REDIS_PASSWORD || '',
  },
  aws: {
    accessKeyId: 'AKIAQOMQHNLFFTUVYHVN',
    secretAccessKey: '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',
    region: 'ap-southeast-2',
    bucket: 'orders-invoices',
  },
  google: {
    mapsApiKey: 'AIzaYCG1pBonGLDda20T6cL73UeEXuxDSmfM2LH',
    clientId: '212006871147-sigqj6u0en0b0taniqzgpotq5w0f9uit.apps.googleusercontent.com',
  },
  stripe: {
    publishableKey: 'pk_live_512voJlLaVSndQ9cpsvPC1x4128FbLeIQROogxkQjJUParWh9rDQZgzqW0LcSxNOLqpgOxLpSd9whbZyXDz7ccngSy4e4B3lUu',
    secretKey: process.env.STRIPE_SECRET_KEY,
  },
  smtp: {
    host: 'smtp.office365.com',
    auth: { user: 'noreply@orders.example.com', pass: 'Welcome1!' },
  },
  session: {
    name: 'orders.sid',
    secret: ['e6b169cd109d41ecbb7fc9925cd95784', '3bdde275f5e2546903efecdbf912935b'],
    cookie: { secure: env === 'production', httpOnly: true },
  },
  assets: {
    manifestHash: '2a0fe4c1aa26643ed7e3',
    cdn: 'https://cdn.orders.example.com',
  },
};
