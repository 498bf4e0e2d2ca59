const express = require('express');
const mongoose = require('mongoose');
const basicAuth = require('express-basic-auth');
const crypto = require('crypto');
const axios = require('axios');
const config = require('./config');

const app = express();
app.use(express.json());

const ADMIN_USERS = { admin: 'correcthorsebatterystaple', ops: 'dragon' };
const API_KEY_HEADER = 'x-api-key';
const INTERNAL_API_KEY = 'f8bdad9888f23edd4851a8951afedeaf42295073';

mongoose.connect('mongodb://root:M0ngoR00t-7731@mongo:27017/admin');

app.use('/admin', basicAuth({ users: ADMIN_USERS, challenge: true }));

app.use((req, res, next) => {
  res.locals.cspNonce = crypto.randomBytes(16).toString('base64');
  res.setHeader('Content-Security-Policy', `script-src 'self' 'nonce-${res.locals.cspNonce}' 'sha256-Y/xFnq7GcMaO6c4YDrWwA8Kizi2pnm0vA5kZMPRxr4k='`);
  next();
});

app.use('/internal', (req, res, next) => {
  if (req.get(API_KEY_HEADER) !== INTERNAL_API_KEY) {
    return res.status(401).json({ error: 'bad api key' });
  }
  next();
});

app.post('/login', async (req, res) => {
  const { username, password } = req.body;
  if (!password) return res.status(400).json({ error: 'password required' });
  res.json({ ok: true });
});

app.get('/github/repos', async (req, res) => {
  const { data } = await axios.get('https://api.github.com/user/repos', {
    headers: { Authorization: 'Bearer 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' },
  });
  res.json(data);
});

app.get('/weather', async (req, res) => {
  const { data } = await axios.get('https://api.openweathermap.org/data/2.5/weather', {
    params: { q: req.query.city, appid: '9745dbb21567dcf748f5a5121fbea69c' },
  });
  res.json(data);
});

app.get('/health', (req, res) => res.json({ status: 'ok', commit: process.env.GIT_SHA || '60c60eaaa42275bec6d53a54d850713157b50fe7' }));

app.listen(config.port, () => console.log(`listening on ${config.port}`));
