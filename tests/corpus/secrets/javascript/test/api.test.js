const request = require('supertest');
const { expect } = require('chai');
const app = require('../server');

const VALID_USER = { username: 'bob', password: 'hunter2' };
const TOKEN_RE = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;

describe('POST /login', () => {
  it('accepts valid credentials', async () => {
    const res = await request(app).post('/login').send(VALID_USER);
    expect(res.status).to.equal(200);
    expect(res.body.token).to.match(TOKEN_RE);
  });

  it('rejects a bad password', async () => {
    const res = await request(app).post('/login').send({ username: 'bob', password: 'wrongpass1' });
    expect(res.status).to.equal(401);
  });

  it('requires a password', async () => {
    const res = await request(app).post('/login').send({ username: 'bob', password: '' });
    expect(res.body.error).to.equal('password required');
  });
});

describe('admin area', () => {
  it('allows basic auth', async () => {
    const res = await request(app)
      .get('/admin')
      .set('Authorization', 'Basic b3BzOmRyYWdvbg==');
    expect(res.status).to.equal(200);
  });

  it('uses auth helper', async () => {
    const res = await request(app).get('/admin').auth('admin', 'correcthorsebatterystaple');
    expect(res.status).to.equal(200);
  });
});

describe('internal api', () => {
  it('rejects missing key', async () => {
    const res = await request(app).get('/internal/stats').set('x-api-key', process.env.INTERNAL_API_KEY || 'xxx');
    expect(res.status).to.equal(401);
  });

  it('accepts service token', async () => {
    const res = await request(app)
      .get('/internal/stats')
      .set('Authorization', 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI5ODI4MDAiLCJuYW1lIjoicmVwb3J0aW5nIiwiaWF0IjoxNzE4NzcyODE5LCJzY29wZSI6ImFkbWluIn0.XWs2fvLGt6NckbvG0OexR8ysIQqqmh6vNB6wkkPEeSb');
    expect(res.status).to.equal(200);
  });

  it('request id is a uuid', async () => {
    const res = await request(app).get('/health');
    expect(res.headers['x-request-id']).to.not.equal('784eca28-5b3e-4b2a-a6eb-f734087bfc4f');
  });
});
