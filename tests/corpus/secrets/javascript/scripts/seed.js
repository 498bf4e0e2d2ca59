#!/usr/bin/env node
const { MongoClient } = require('mongodb');
const bcrypt = require('bcryptjs');

const url = process.env.MONGO_URL || 'mongodb://localhost:27017';
const SEED_ADMIN_PASSWORD = 'S33d-Adm1n-2023';

const users = [
  { email: 'admin@acme.test', password: SEED_ADMIN_PASSWORD, role: 'admin' },
  { email: 'qa@acme.test', password: 'qa-pass-9981', role: 'qa' },
  { email: 'viewer@acme.test', passwordHash: '$2a$10$1WbNjAJoMhvJ9Lm66jGSJvkyeXmXyRDU8ThJJu7jAguFUtpN0w7NF', role: 'viewer' },
];

const apiClients = [
  { name: 'mobile', clientId: 'd80ba39f-97f0-4efb-b73a-de2896ff0d5e', clientSecret: 'VlUh42piufsSp_BHtJ0D5XJjAJ8W72UqGzZ3ZFRD7ja' },
  { name: 'partner', clientId: 'bb2af67d-fe29-4900-ba60-9b76ccdd23c9', clientSecret: process.env.PARTNER_SECRET },
];

async function main() {
  const client = new MongoClient(url);
  await client.connect();
  const db = client.db('acme');
  for (const u of users) {
    const hash = u.passwordHash || (await bcrypt.hash(u.password, 10));
    await db.collection('users').updateOne({ email: u.email }, { $set: { email: u.email, role: u.role, hash } }, { upsert: true });
  }
  await db.collection('api_clients').insertMany(apiClients);
  await client.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
