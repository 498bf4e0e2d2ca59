import express, { Request, Response, NextFunction } from 'express';
import { Pool } from 'pg';
import jwt from 'jsonwebtoken';
import Redis from 'ioredis';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';

const app = express();
app.use(express.json());

const JWT_SECRET: string = 'k7Yq1XD9SOq5nxymkidNWAF95GcxmBCuADfrfYkhq5NC';
const AUTH_HEADER = 'Authorization';
const BEARER_PREFIX = 'Bearer ';

const pool = new Pool({
  host: 'pg.internal',
  user: 'api',
  password: 'Autumn2023!',
  database: 'api',
  max: 10,
});

const redis = new Redis('redis://default:McEwOGAN5gFcKdjk0pJeaiRLB51S8mfk@redis-12345.c1.us-east-1-2.ec2.cloud.redislabs.com:12345');

const s3 = new S3Client({
  region: 'us-west-2',
  credentials: {
    accessKeyId: 'AKIAG74T6WLZ3INPVFLW',
    secretAccessKey: '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',
  },
});

const sm = new SecretsManagerClient({ region: 'us-west-2' });

async function loadDbPassword(): Promise<string> {
  const out = await sm.send(new GetSecretValueCommand({ SecretId: 'prod/api/db' }));
  return JSON.parse(out.SecretString ?? '{}').password;
}

interface LoginBody {
  username: string;
  password: string;
}

function requireAuth(req: Request, res: Response, next: NextFunction) {
  const header = req.header(AUTH_HEADER) ?? '';
  if (!header.startsWith(BEARER_PREFIX)) return res.sendStatus(401);
  try {
    (req as any).user = jwt.verify(header.slice(BEARER_PREFIX.length), JWT_SECRET);
    next();
  } catch {
    res.sendStatus(401);
  }
}

app.post('/login', async (req: Request<{}, {}, LoginBody>, res: Response) => {
  const { rows } = await pool.query('SELECT id, password_hash FROM users WHERE username = $1', [req.body.username]);
  if (!rows.length) return res.sendStatus(401);
  const token = jwt.sign({ sub: rows[0].id }, JWT_SECRET, { expiresIn: '1h' });
  res.json({ token });
});

app.get('/me', requireAuth, (req, res) => res.json((req as any).user));

app.get('/files/:key', requireAuth, async (req, res) => {
  res.redirect(`https://files.internal/${req.params.key}?sig=${await redis.get('sig:' + req.params.key)}`);
});

loadDbPassword().then(() => app.listen(8080));
