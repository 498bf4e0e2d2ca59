# ruff: noqa: E501 - each case is one small file, as written
"""Secrets in logs, second round: structlog, loguru, pino, logrus, zerolog and NestJS loggers,
the whole environment, cookies, authorization headers, tokens just made, exceptions logged with
the credential; beside their twins that log a name, a length, a boolean, a status, the scheme
of a header, the names of the environment or a masked value; and settings that log every
request's headers (morgan tokens and formats, OkHttp's HttpLoggingInterceptor, Spring's request
logging filter) beside the same settings with the credential left out; and from part O:
Go config structs printed whole, request bodies read or decoded, loguru's `bind`, SQLAlchemy
URLs rendered with their password, pino-http's customProps, a key service's answers. Known and left: a token
endpoint's response text (`resp.text` of `requests.post(TOKEN_URL, ...)`) is not seen as a
secret."""

from __future__ import annotations

import pytest

from tests.flagged import flagged_anywhere, probes

RULE = "sensitive-data-in-logs"

LEAKS = {
    "python": [
        (
            "loguru bind",
            "from loguru import logger\n\ndef issued(user, api_token):\n    logger.bind(user_id=user.pk).info('issued {}', api_token)\n",
        ),
        (
            "url with password",
            "def migrate(shard):\n    url = shard_url(shard)\n    dsn = url.render_as_string(hide_password=False)\n    log.info('migration.start', shard=shard, dsn=dsn)\n",
        ),
        (
            "structlog kw",
            "import structlog\nlog = structlog.get_logger()\ndef login(username, password):\n    log.info('login', user=username, password=password)\n",
        ),
        (
            "auth header get",
            "import logging\nlogger = logging.getLogger(__name__)\n@app.get('/me')\ndef me():\n    logger.debug('Authorization: %s', request.headers.get('Authorization'))\n    return {}\n",
        ),
        (
            "environ dump",
            "import logging, os\nlogger = logging.getLogger(__name__)\ndef main():\n    logger.info('environment: %s', dict(os.environ))\n",
        ),
        (
            "secret key config",
            "import logging\nlogger = logging.getLogger(__name__)\ndef create_app():\n    app = Flask(__name__)\n    app.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n    logger.info('using secret key %s', app.config['SECRET_KEY'])\n    return app\n",
        ),
        (
            "loguru format",
            "from loguru import logger\ndef connect(host, user, password):\n    logger.info('connecting to {} as {} with {}', host, user, password)\n",
        ),
        (
            "warning wrong password",
            "import logging\nlog = logging.getLogger(__name__)\ndef authenticate(username, password):\n    user = find(username)\n    if user is None or not user.check(password):\n        log.warning('bad password %r for %s', password, username)\n        return None\n    return user\n",
        ),
        (
            "print api key",
            "import os\ndef main():\n    api_key = os.environ['OPENAI_API_KEY']\n    print(f'Using API key {api_key}')\n",
        ),
        (
            "cookie",
            "import logging\nlogger = logging.getLogger(__name__)\n@app.before_request\ndef trace():\n    logger.debug('cookies %s', request.cookies)\n",
        ),
        (
            "extra dict",
            "import logging\nlogger = logging.getLogger(__name__)\ndef register(email, password):\n    logger.info('register', extra={'email': email, 'password': password})\n",
        ),
        (
            "logger exception token",
            "import logging\nlogger = logging.getLogger(__name__)\ndef call(api_token):\n    try:\n        return client.get('/v1/me', headers={'Authorization': f'Bearer {api_token}'})\n    except Exception:\n        logger.exception('GET /v1/me failed with token %s', api_token)\n        raise\n",
        ),
    ],
    "javascript": [
        (
            "card object",
            "function charge(order, card) {\n  log.error({ orderId: order.id, card }, 'charge failed');\n}\n",
        ),
        (
            "exchanged tokens",
            "async function callback(ctx) {\n  const tokens = await oauthClient.exchangeCode(ctx.query.code);\n  log.debug('oauth tokens received', tokens);\n}\n",
        ),
        (
            "pino-http customProps",
            "function httpLogger(logger) {\n  return pinoHttp({\n    logger,\n    customProps(req) {\n      return { session: req.cookies && req.cookies['sid'] };\n    },\n  });\n}\n",
        ),
        (
            "morgan token",
            "function setup(app) {\n  morgan.token('auth', (req) => req.get('authorization') || '-');\n  app.use(morgan(':method :url auth=:auth'));\n}\n",
        ),
        (
            "morgan token function",
            "function setup(app) {\n  morgan.token('auth', function (req) { return req.headers.authorization; });\n}\n",
        ),
        (
            "morgan format",
            "function setup(app) {\n  app.use(morgan(':method :url :req[authorization]'));\n}\n",
        ),
        (
            "env dump",
            "function boot() {\n  console.log('env', process.env);\n}\n",
        ),
        (
            "auth header",
            "function mw(req, res, next) {\n  logger.info('auth', req.get('authorization'));\n  next();\n}\n",
        ),
        (
            "reset token tpl",
            "async function requestReset(req, res) {\n  const resetToken = crypto.randomBytes(32).toString('hex');\n  await save(req.body.email, resetToken);\n  logger.info(`reset for ${req.body.email} token=${resetToken}`);\n  res.sendStatus(204);\n}\n",
        ),
        (
            "pino password obj",
            "const log = require('pino')();\nfunction login(req, res) {\n  const { username, password } = req.body;\n  log.info({ username, password }, 'login attempt');\n}\n",
        ),
        (
            "cookie header",
            "function trace(req, res, next) {\n  console.debug('cookie:', req.headers.cookie);\n  next();\n}\n",
        ),
    ],
    "typescript": [
        (
            "nest logger token",
            "export class AuthService {\n  private readonly logger = new Logger(AuthService.name);\n  async login(dto: LoginDto): Promise<string> {\n    const token = await this.jwt.signAsync({ sub: dto.username });\n    this.logger.log(`issued token ${token} for ${dto.username}`);\n    return token;\n  }\n}\n",
        ),
    ],
    "java": [
        (
            "servlet cookie value",
            'class R {\n  void doGet(HttpServletRequest req) {\n    for (Cookie c : req.getCookies()) {\n      System.out.println("cookie " + c.getName() + "=" + c.getValue());\n    }\n  }\n}\n',
        ),
        (
            "record named request",
            'public class CardChargeService {\n  public record ChargeRequest(String customerId, String cardNumber, String cvv) {}\n  public void charge(ChargeRequest request) {\n    LOG.info("Submitting charge {}", request);\n  }\n}\n',
        ),
        (
            "camel-case logger",
            'class Audit {\n  private static final Logger auditLogger = LoggerFactory.getLogger("audit");\n  void login(String user, String password) {\n    auditLogger.info("login {} {}", user, password);\n  }\n}\n',
        ),
        (
            "okhttp headers",
            "class Config {\n  OkHttpClient client() {\n    HttpLoggingInterceptor logging = new HttpLoggingInterceptor();\n    logging.setLevel(HttpLoggingInterceptor.Level.HEADERS);\n    return new OkHttpClient.Builder().addInterceptor(auth).addInterceptor(logging).build();\n  }\n}\n",
        ),
        (
            "request filter headers",
            "class Config {\n  @Bean\n  CommonsRequestLoggingFilter requestLogging() {\n    CommonsRequestLoggingFilter f = new CommonsRequestLoggingFilter();\n    f.setIncludeHeaders(true);\n    f.setIncludeQueryString(true);\n    return f;\n  }\n}\n",
        ),
        (
            "slf4j password field",
            'class AuthController {\n  private static final Logger log = LoggerFactory.getLogger(AuthController.class);\n  @PostMapping("/login")\n  public ResponseEntity<Void> login(@RequestBody LoginForm form) {\n    log.info("login user={} password={}", form.getUsername(), form.getPassword());\n    return ResponseEntity.ok().build();\n  }\n}\n',
        ),
        (
            "jwt concat",
            'class TokenService {\n  private static final Logger logger = LoggerFactory.getLogger(TokenService.class);\n  String issue(String user) {\n    String jwt = Jwts.builder().setSubject(user).signWith(key).compact();\n    logger.debug("Issued JWT: " + jwt);\n    return jwt;\n  }\n}\n',
        ),
    ],
    "go": [
        (
            "camel-case slog",
            'package x\n\nvar accessLog = slog.New(slog.NewJSONHandler(os.Stdout, nil))\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\taccessLog.Info("request", "cookie", r.Header.Get("Cookie"))\n}\n',
        ),
        (
            "config struct %+v",
            'package main\n\ntype Config struct {\n\tRedisAddr     string `envconfig:"REDIS_ADDR"`\n\tRedisPassword string `envconfig:"REDIS_PASSWORD"`\n}\n\nfunc main() {\n\tvar cfg Config\n\tenvconfig.Process("app", &cfg)\n\tlog.Printf("starting with %+v", cfg)\n}\n',
        ),
        (
            "decoded body",
            'package x\n\nfunc Login(w http.ResponseWriter, r *http.Request) {\n\tvar req loginRequest\n\tif err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {\n\t\treturn\n\t}\n\tlogger.Warn().Interface("attempt", req).Msg("login failed")\n}\n',
        ),
        (
            "body read",
            'package x\n\nfunc Hook(w http.ResponseWriter, r *http.Request) {\n\tbody, _ := io.ReadAll(r.Body)\n\tlog.Printf("hook body %s", body)\n}\n',
        ),
        (
            "headers dump",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tlog.Printf("headers: %v", r.Header)\n}\n',
        ),
        (
            "slog auth",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tslog.Info("request", "authorization", r.Header.Get("Authorization"))\n}\n',
        ),
        (
            "logrus password",
            'package x\nfunc login(username, password string) {\n\tlogrus.WithFields(logrus.Fields{"user": username, "password": password}).Info("login")\n}\n',
        ),
        (
            "zerolog token",
            'package x\nfunc refresh(tok *oauth2.Token) {\n\tlog.Info().Str("refresh_token", tok.RefreshToken).Msg("refreshed")\n}\n',
        ),
    ],
}

SAFE = {
    "python": [
        (
            "loguru bind id",
            "from loguru import logger\n\ndef issued(user, api_token):\n    logger.bind(user_id=user.pk).info('issued a token for {}', user.pk)\n",
        ),
        (
            "url hidden",
            "def migrate(shard):\n    url = shard_url(shard)\n    log.info('migration.start', shard=shard, dsn=url.render_as_string(hide_password=True))\n",
        ),
        (
            "structlog user only",
            "import structlog\nlog = structlog.get_logger()\ndef login(username, password):\n    log.info('login', user=username)\n",
        ),
        (
            "auth present",
            "import logging\nlogger = logging.getLogger(__name__)\n@app.get('/me')\ndef me():\n    logger.debug('has Authorization: %s', 'Authorization' in request.headers)\n    return {}\n",
        ),
        (
            "environ keys",
            "import logging, os\nlogger = logging.getLogger(__name__)\ndef main():\n    logger.info('environment keys: %s', sorted(os.environ))\n",
        ),
        (
            "token status",
            "import logging, requests\nlogger = logging.getLogger(__name__)\ndef fetch_token(client_id, client_secret):\n    resp = requests.post(TOKEN_URL, data={'client_id': client_id, 'client_secret': client_secret})\n    logger.debug('token endpoint answered %s', resp.status_code)\n    return resp.json()['access_token']\n",
        ),
        (
            "bool configured",
            "import logging\nlogger = logging.getLogger(__name__)\ndef create_app():\n    app = Flask(__name__)\n    app.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n    logger.info('secret key configured: %s', bool(app.config['SECRET_KEY']))\n    return app\n",
        ),
        (
            "loguru host user",
            "from loguru import logger\ndef connect(host, user, password):\n    logger.info('connecting to {} as {}', host, user)\n",
        ),
        (
            "warning username",
            "import logging\nlog = logging.getLogger(__name__)\ndef authenticate(username, password):\n    user = find(username)\n    if user is None or not user.check(password):\n        log.warning('bad password for %s', username)\n        return None\n    return user\n",
        ),
        (
            "print key suffix",
            "import os\ndef main():\n    api_key = os.environ['OPENAI_API_KEY']\n    print(f'Using API key ...{api_key[-4:]}')\n",
        ),
        (
            "cookie names",
            "import logging\nlogger = logging.getLogger(__name__)\n@app.before_request\ndef trace():\n    logger.debug('cookies %s', list(request.cookies.keys()))\n",
        ),
        (
            "password length",
            "import logging\nlogger = logging.getLogger(__name__)\ndef register(email, password):\n    logger.info('register %s (password of %d chars)', email, len(password))\n",
        ),
        (
            "exception no token",
            "import logging\nlogger = logging.getLogger(__name__)\ndef call(api_token):\n    try:\n        return client.get('/v1/me', headers={'Authorization': f'Bearer {api_token}'})\n    except Exception:\n        logger.exception('GET /v1/me failed')\n        raise\n",
        ),
        (
            "mask helper",
            "import logging\nlogger = logging.getLogger(__name__)\ndef _mask(value):\n    return value[:4] + '***' if value else ''\ndef connect(token):\n    logger.info('connecting with token %s', _mask(token))\n",
        ),
    ],
    "javascript": [
        (
            "card id",
            "function charge(order, card) {\n  log.error({ orderId: order.id, cardId: card.id }, 'charge failed');\n}\n",
        ),
        (
            "pino-http customProps user",
            "function httpLogger(logger) {\n  return pinoHttp({\n    logger,\n    customProps(req) {\n      return { userId: req.session ? req.session.userId : null };\n    },\n  });\n}\n",
        ),
        (
            "morgan token scheme",
            "function setup(app) {\n  morgan.token('auth', (req) => (req.get('authorization') || '-').split(' ')[0]);\n  app.use(morgan(':method :url auth=:auth'));\n}\n",
        ),
        (
            "morgan token client",
            "function setup(app) {\n  morgan.token('client', (req) => req.get('x-client-id') || '-');\n}\n",
        ),
        (
            "morgan format agent",
            "function setup(app) {\n  app.use(morgan(':method :url :req[user-agent]'));\n}\n",
        ),
        (
            "env node_env",
            "function boot() {\n  console.log('env', process.env.NODE_ENV);\n}\n",
        ),
        (
            "auth scheme",
            "function mw(req, res, next) {\n  const scheme = (req.get('authorization') || '').split(' ')[0];\n  logger.info('auth scheme', scheme);\n  next();\n}\n",
        ),
        (
            "reset email only",
            "async function requestReset(req, res) {\n  const resetToken = crypto.randomBytes(32).toString('hex');\n  await save(req.body.email, resetToken);\n  logger.info(`reset requested for ${req.body.email}`);\n  res.sendStatus(204);\n}\n",
        ),
        (
            "pino username",
            "const log = require('pino')();\nfunction login(req, res) {\n  const { username, password } = req.body;\n  log.info({ username }, 'login attempt');\n}\n",
        ),
        (
            "pino redact",
            "const log = require('pino')({ redact: ['password'] });\nfunction login(req, res) {\n  const { username } = req.body;\n  log.info({ username, ip: req.ip }, 'login attempt');\n}\n",
        ),
    ],
    "typescript": [
        (
            "nest logger user",
            "export class AuthService {\n  private readonly logger = new Logger(AuthService.name);\n  async login(dto: LoginDto): Promise<string> {\n    const token = await this.jwt.signAsync({ sub: dto.username });\n    this.logger.log(`issued token for ${dto.username}`);\n    return token;\n  }\n}\n",
        ),
    ],
    "java": [
        (
            "servlet cookie names",
            'class R {\n  void doGet(HttpServletRequest req) {\n    for (Cookie c : req.getCookies()) {\n      System.out.println("cookie " + c.getName());\n    }\n  }\n}\n',
        ),
        (
            "record field named request",
            'public class CardChargeService {\n  public record ChargeRequest(String customerId, String cardNumber, String cvv) {}\n  public void charge(ChargeRequest request) {\n    LOG.info("Submitting charge for {}", request.customerId());\n  }\n}\n',
        ),
        (
            "key service answers",
            'class ApiKeyFilter {\n  private final ApiKeyService apiKeys;\n  void doFilter(HttpServletRequest request) {\n    Optional<PartnerClient> client = apiKeys.authenticate(request.getHeader("X-Api-Key"));\n    MDC.put("partner", client.get().name());\n  }\n}\n',
        ),
        (
            "okhttp redacted",
            'class Config {\n  OkHttpClient client() {\n    HttpLoggingInterceptor logging = new HttpLoggingInterceptor();\n    logging.setLevel(HttpLoggingInterceptor.Level.HEADERS);\n    logging.redactHeader("Authorization");\n    return new OkHttpClient.Builder().addInterceptor(auth).addInterceptor(logging).build();\n  }\n}\n',
        ),
        (
            "okhttp basic",
            "class Config {\n  OkHttpClient client() {\n    HttpLoggingInterceptor logging = new HttpLoggingInterceptor();\n    logging.setLevel(HttpLoggingInterceptor.Level.BASIC);\n    return new OkHttpClient.Builder().addInterceptor(logging).build();\n  }\n}\n",
        ),
        (
            "request filter predicate",
            'class Config {\n  @Bean\n  CommonsRequestLoggingFilter requestLogging() {\n    CommonsRequestLoggingFilter f = new CommonsRequestLoggingFilter();\n    f.setIncludeHeaders(true);\n    f.setHeaderPredicate(h -> !h.equalsIgnoreCase("authorization"));\n    return f;\n  }\n}\n',
        ),
        (
            "request filter no headers",
            "class Config {\n  @Bean\n  CommonsRequestLoggingFilter requestLogging() {\n    CommonsRequestLoggingFilter f = new CommonsRequestLoggingFilter();\n    f.setIncludeHeaders(false);\n    return f;\n  }\n}\n",
        ),
        (
            "slf4j user",
            'class AuthController {\n  private static final Logger log = LoggerFactory.getLogger(AuthController.class);\n  @PostMapping("/login")\n  public ResponseEntity<Void> login(@RequestBody LoginForm form) {\n    log.info("login user={}", form.getUsername());\n    return ResponseEntity.ok().build();\n  }\n}\n',
        ),
        (
            "jwt subject",
            'class TokenService {\n  private static final Logger logger = LoggerFactory.getLogger(TokenService.class);\n  String issue(String user) {\n    String jwt = Jwts.builder().setSubject(user).signWith(key).compact();\n    logger.debug("Issued JWT for " + user);\n    return jwt;\n  }\n}\n',
        ),
        (
            "cookie names",
            'class Filter {\n  void doFilter(HttpServletRequest request) {\n    for (Cookie c : request.getCookies()) {\n      log.info("cookie {}", c.getName());\n    }\n  }\n}\n',
        ),
        (
            "auth present",
            'class A {\n  void h(HttpServletRequest req) {\n    log.debug("has auth header: {}", req.getHeader("Authorization") != null);\n  }\n}\n',
        ),
    ],
    "go": [
        (
            "decode error",
            'package x\n\nfunc A(w http.ResponseWriter, r *http.Request) {\n\tvar req LoginRequest\n\tif err := json.NewDecoder(r.Body).Decode(&req); err != nil {\n\t\tlog.Printf("decode failed: %v", err)\n\t\treturn\n\t}\n}\n',
        ),
        (
            "unmarshal error of a record",
            'package x\n\ntype Charge struct {\n\tID  string\n\tCVC string\n}\n\nfunc handle(m Message) {\n\tvar charge Charge\n\tif err := json.Unmarshal(m.Value, &charge); err != nil {\n\t\tlog.Printf("undecodable charge: %v", err)\n\t}\n}\n',
        ),
        (
            "slog ReplaceAttr redacts",
            'package x\n\nfunc redactAttr(_ []string, a slog.Attr) slog.Attr {\n\tif a.Key == "cookie" {\n\t\treturn slog.String(a.Key, "[REDACTED]")\n\t}\n\treturn a\n}\n\nvar accessLog = slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: redactAttr}))\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\taccessLog.Info("request", "cookie", r.Header.Get("Cookie"))\n}\n',
        ),
        (
            "config struct String",
            'package main\n\ntype Config struct {\n\tRedisAddr     string\n\tRedisPassword string\n}\n\nfunc (c Config) String() string { return c.RedisAddr }\n\nfunc main() {\n\tvar cfg Config\n\tenvconfig.Process("app", &cfg)\n\tlog.Printf("starting with %v", cfg)\n}\n',
        ),
        (
            "config field",
            'package main\n\ntype Config struct {\n\tRedisAddr     string\n\tRedisPassword string\n}\n\nfunc main() {\n\tvar cfg Config\n\tenvconfig.Process("app", &cfg)\n\tlog.Printf("redis at %s", cfg.RedisAddr)\n}\n',
        ),
        (
            "decoded body email",
            'package x\n\nfunc Login(w http.ResponseWriter, r *http.Request) {\n\tvar req loginRequest\n\tif err := json.NewDecoder(r.Body).Decode(&req); err != nil {\n\t\treturn\n\t}\n\tlogger.Warn().Str("email", req.Email).Msg("login failed")\n}\n',
        ),
        (
            "method path",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tlog.Printf("%s %s", r.Method, r.URL.Path)\n}\n',
        ),
        (
            "slog auth present",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tslog.Info("request", "has_auth", r.Header.Get("Authorization") != "")\n}\n',
        ),
        (
            "logrus user",
            'package x\nfunc login(username, password string) {\n\tlogrus.WithFields(logrus.Fields{"user": username}).Info("login")\n}\n',
        ),
        (
            "zerolog expiry",
            'package x\nfunc refresh(tok *oauth2.Token) {\n\tlog.Info().Time("expiry", tok.Expiry).Msg("refreshed")\n}\n',
        ),
    ],
}


@pytest.mark.parametrize(("rule", "language", "code"), probes(RULE, LEAKS))
def test_flagged(rule: str, language: str, code: str) -> None:
    assert flagged_anywhere(rule, code, language)


@pytest.mark.parametrize(("rule", "language", "code"), probes(RULE, SAFE))
def test_not_flagged(rule: str, language: str, code: str) -> None:
    assert not flagged_anywhere(rule, code, language)
