# ruff: noqa: E501 - each case is one small function, as written
"""Command injection, weak password hashes, secrets in logs and code injection: how real
handlers run commands, hash passwords, log and evaluate, beside their lookalikes (argument
lists, quoting, allow-lists, parsed numbers and IP addresses; checksums, ETags, token digests,
bcrypt, scrypt, PBKDF2, argon2; masked, measured or filtered values; literal_eval, sandboxed
templates, expression evaluators), and path traversal (basenames, roots checked, generated
names, ids)."""

from __future__ import annotations

import pytest

from tests.flagged import flagged_anywhere, probes

COMMANDS = {
    "python": [
        (
            "os.system f",
            '@app.post("/ping")\ndef ping():\n    host = request.form["host"]\n    os.system(f"ping -c 1 {host}")\n',
        ),
        (
            "shell true",
            '@app.post("/conv")\ndef conv():\n    name = request.args.get("name")\n    subprocess.run("convert " + name + " out.png", shell=True)\n',
        ),
        (
            "popen",
            '@app.get("/grep")\ndef grep():\n    q = request.args["q"]\n    return os.popen("grep -r %s /data" % q).read()\n',
        ),
        (
            "check_output shell",
            'def view(request):\n    path = request.GET["path"]\n    out = subprocess.check_output("ls -l " + path, shell=True)\n    return HttpResponse(out)\n',
        ),
        (
            "sh -c list",
            '@app.post("/run")\ndef run():\n    cmd = request.json["cmd"]\n    subprocess.run(["sh", "-c", cmd])\n',
        ),
        (
            "asyncio shell",
            'async def handle(request):\n    host = request.query["host"]\n    proc = await asyncio.create_subprocess_shell(f"nslookup {host}")\n    await proc.wait()\n',
        ),
    ],
    "javascript": [
        (
            "exec",
            "function routes(app) {\n  app.get('/ping', (req, res) => { exec('ping -c 1 ' + req.query.host, (e, out) => res.send(out)); });\n}\n",
        ),
        (
            "execSync tpl",
            "function convert(req, res) { const out = execSync(`convert ${req.body.file} out.png`); res.send(out); }\n",
        ),
        (
            "spawn shell",
            "function run(req, res) { spawn('tar', ['-czf', 'out.tgz', req.query.dir], { shell: true }); res.end(); }\n",
        ),
        (
            "child_process.exec",
            "const cp = require('child_process');\nfunction handler(req, res) { cp.exec(`git log ${req.query.ref}`, (e, o) => res.send(o)); }\n",
        ),
    ],
    "java": [
        (
            "runtime exec",
            'class A { void h(HttpServletRequest req) throws IOException { String host = req.getParameter("host"); Runtime.getRuntime().exec("ping -c 1 " + host); } }',
        ),
        (
            "processbuilder sh",
            'class A { void h(HttpServletRequest req) throws IOException { String cmd = req.getParameter("cmd"); new ProcessBuilder("sh", "-c", cmd).start(); } }',
        ),
        (
            "exec array sh",
            'class A { void h(@RequestParam String dir) throws IOException { Runtime.getRuntime().exec(new String[]{"/bin/sh", "-c", "ls " + dir}); } }',
        ),
    ],
    "go": [
        (
            "sh -c",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\thost := r.URL.Query().Get("host")\n\texec.Command("sh", "-c", "ping -c 1 "+host).Run()\n}\n',
        ),
        (
            "bash -c sprintf",
            'package x\nfunc h(c *gin.Context) {\n\tname := c.Query("name")\n\tcmd := fmt.Sprintf("convert %s out.png", name)\n\texec.Command("bash", "-c", cmd).Run()\n}\n',
        ),
    ],
}

SAFE_COMMANDS = {
    "python": [
        (
            "list args",
            '@app.post("/ping")\ndef ping():\n    host = request.form["host"]\n    subprocess.run(["ping", "-c", "1", host], check=True)\n',
        ),
        (
            "shlex quote",
            '@app.post("/ping")\ndef ping():\n    host = request.form["host"]\n    os.system("ping -c 1 " + shlex.quote(host))\n',
        ),
        (
            "allow-list",
            '@app.post("/svc")\ndef svc():\n    name = request.form["name"]\n    if name not in SERVICES:\n        abort(400)\n    os.system(f"systemctl restart {name}")\n',
        ),
        (
            "int",
            '@app.get("/kill")\ndef kill():\n    pid = int(request.args["pid"])\n    os.system(f"kill {pid}")\n',
        ),
        (
            "constant",
            'def backup():\n    subprocess.run("pg_dump app > /backups/app.sql", shell=True)\n',
        ),
        (
            "ipaddress",
            '@app.post("/ping")\ndef ping():\n    host = str(ipaddress.ip_address(request.form["host"]))\n    os.system(f"ping -c 1 {host}")\n',
        ),
        (
            "regex fullmatch",
            '@app.post("/ping")\ndef ping():\n    host = request.form["host"]\n    if not re.fullmatch(r"[a-z0-9.-]+", host):\n        abort(400)\n    os.system(f"ping -c 1 {host}")\n',
        ),
    ],
    "javascript": [
        (
            "execFile",
            "app.get('/ping', (req, res) => { execFile('ping', ['-c', '1', req.query.host], (e, out) => res.send(out)); });\n",
        ),
        (
            "spawn args",
            "function run(req, res) { const p = spawn('git', ['log', '--oneline', req.query.ref]); p.stdout.pipe(res); }\n",
        ),
        (
            "regex test",
            "app.get('/ping', (req, res) => { const host = req.query.host; if (!/^[a-z0-9.-]+$/.test(host)) return res.sendStatus(400); exec(`ping -c 1 ${host}`, (e, o) => res.send(o)); });\n",
        ),
    ],
    "java": [
        (
            "processbuilder args",
            'class A { void h(HttpServletRequest req) throws IOException { String host = req.getParameter("host"); new ProcessBuilder("ping", "-c", "1", host).start(); } }',
        ),
        (
            "exec array",
            'class A { void h(HttpServletRequest req) throws IOException { String host = req.getParameter("host"); Runtime.getRuntime().exec(new String[]{"ping", "-c", "1", host}); } }',
        ),
        (
            "pattern matches",
            'class A { private static final Pattern HOST = Pattern.compile("[a-z0-9.-]+"); void h(HttpServletRequest req) throws IOException { String host = req.getParameter("host"); if (!HOST.matcher(host).matches()) { throw new IllegalArgumentException(); } Runtime.getRuntime().exec("ping -c 1 " + host); } }',
        ),
    ],
    "go": [
        (
            "args",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\thost := r.URL.Query().Get("host")\n\texec.Command("ping", "-c", "1", host).Run()\n}\n',
        ),
        (
            "atoi",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tn, err := strconv.Atoi(r.URL.Query().Get("n"))\n\tif err != nil {\n\t\treturn\n\t}\n\texec.Command("sh", "-c", fmt.Sprintf("seq %d", n)).Run()\n}\n',
        ),
    ],
}

WEAK_HASHES = {
    "python": [
        (
            "md5 pw",
            "import hashlib\ndef register(username, password):\n    digest = hashlib.md5(password.encode()).hexdigest()\n    db.save(username, digest)\n",
        ),
        (
            "sha256 pw",
            "import hashlib\ndef hash_password(password):\n    return hashlib.sha256(password.encode('utf-8')).hexdigest()\n",
        ),
        (
            "sha1 salted",
            "import hashlib\ndef set_password(user, raw):\n    salt = os.urandom(8).hex()\n    user.password_hash = salt + '$' + hashlib.sha1((salt + raw).encode()).hexdigest()\n",
        ),
        (
            "check md5",
            "import hashlib\ndef check_password(user, candidate):\n    return user.pw_hash == hashlib.md5(candidate.encode()).hexdigest()\n",
        ),
        (
            "new md5",
            "import hashlib\ndef store(user, pwd):\n    h = hashlib.new('md5')\n    h.update(pwd.encode())\n    user.password = h.hexdigest()\n",
        ),
    ],
    "javascript": [
        (
            "createHash md5",
            "const crypto = require('crypto');\nfunction hashPassword(password) { return crypto.createHash('md5').update(password).digest('hex'); }\n",
        ),
        (
            "sha256 register",
            "async function register(req, res) { const hash = crypto.createHash('sha256').update(req.body.password).digest('hex'); await users.insert({ email: req.body.email, password: hash }); res.sendStatus(201); }\n",
        ),
    ],
    "java": [
        (
            "MessageDigest md5",
            'class U { String hashPassword(String password) throws Exception { MessageDigest md = MessageDigest.getInstance("MD5"); byte[] d = md.digest(password.getBytes(StandardCharsets.UTF_8)); return HexFormat.of().formatHex(d); } }',
        ),
        (
            "DigestUtils",
            "class U { void register(String user, String password) { repo.save(new Account(user, DigestUtils.sha256Hex(password))); } }",
        ),
    ],
    "go": [
        (
            "md5 sum",
            'package x\nimport "crypto/md5"\nfunc hashPassword(pw string) string {\n\tsum := md5.Sum([]byte(pw))\n\treturn hex.EncodeToString(sum[:])\n}\n',
        ),
        (
            "sha256",
            'package x\nimport "crypto/sha256"\nfunc register(email, password string) error {\n\th := sha256.Sum256([]byte(password))\n\treturn store.Save(email, hex.EncodeToString(h[:]))\n}\n',
        ),
    ],
}

SAFE_HASHES = {
    "python": [
        (
            "bcrypt",
            "import bcrypt\ndef hash_password(password):\n    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())\n",
        ),
        ("etag", "import hashlib\ndef etag(body):\n    return hashlib.md5(body).hexdigest()\n"),
        (
            "file checksum",
            "import hashlib\ndef checksum(path):\n    h = hashlib.sha256()\n    with open(path, 'rb') as f:\n        h.update(f.read())\n    return h.hexdigest()\n",
        ),
        (
            "pbkdf2",
            "import hashlib\ndef hash_password(password, salt):\n    return hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 600_000)\n",
        ),
        (
            "django make_password",
            "from django.contrib.auth.hashers import make_password\ndef create(user, password):\n    user.password = make_password(password)\n",
        ),
        (
            "gravatar",
            "import hashlib\ndef gravatar(email):\n    return 'https://www.gravatar.com/avatar/' + hashlib.md5(email.strip().lower().encode()).hexdigest()\n",
        ),
        (
            "token digest",
            "import hashlib\ndef store_reset_token(user, token):\n    user.reset_token_hash = hashlib.sha256(token.encode()).hexdigest()\n",
        ),
        (
            "cache key",
            "import hashlib\ndef cache_key(query, params):\n    return 'q:' + hashlib.sha1(repr((query, params)).encode()).hexdigest()\n",
        ),
        (
            "argon2",
            "from argon2 import PasswordHasher\n_ph = PasswordHasher()\ndef hash_password(password):\n    return _ph.hash(password)\n",
        ),
    ],
    "javascript": [
        (
            "bcrypt",
            "const bcrypt = require('bcrypt');\nasync function hashPassword(password) { return bcrypt.hash(password, 12); }\n",
        ),
        (
            "etag",
            "function etag(body) { return crypto.createHash('md5').update(body).digest('hex'); }\n",
        ),
        (
            "scrypt",
            "function hashPassword(password, salt) { return crypto.scryptSync(password, salt, 64).toString('hex'); }\n",
        ),
        (
            "api key digest",
            "function storeApiKey(key) { return db.insert({ digest: crypto.createHash('sha256').update(key).digest('hex') }); }\n",
        ),
    ],
    "java": [
        (
            "bcrypt encoder",
            "class U { String hash(String password) { return passwordEncoder.encode(password); } }",
        ),
        (
            "file sha256",
            'class U { String checksum(byte[] data) throws Exception { return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)); } }',
        ),
    ],
    "go": [
        (
            "bcrypt",
            'package x\nimport "golang.org/x/crypto/bcrypt"\nfunc hashPassword(pw string) ([]byte, error) {\n\treturn bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)\n}\n',
        ),
        (
            "etag",
            'package x\nimport "crypto/md5"\nfunc etag(body []byte) string {\n\tsum := md5.Sum(body)\n\treturn hex.EncodeToString(sum[:])\n}\n',
        ),
    ],
}


LEAKS = {
    "python": [
        (
            "fstring password",
            "import logging\nlog = logging.getLogger(__name__)\ndef login(username, password):\n    log.info(f'login attempt user={username} password={password}')\n",
        ),
        (
            "request.form",
            "@app.post('/login')\ndef login():\n    logger.debug('login form: %s', request.form)\n",
        ),
        (
            "headers",
            "@app.get('/x')\ndef x():\n    logger.info('headers: %s', dict(request.headers))\n",
        ),
        (
            "token",
            "def refresh(client):\n    resp = client.post(TOKEN_URL)\n    access_token = resp.json()['access_token']\n    logger.info('got token %s', access_token)\n",
        ),
        ("print api key", "def setup(api_key):\n    print('using api key', api_key)\n"),
        (
            "exception with secret",
            "def connect(dsn, password):\n    try:\n        return db.connect(dsn, password=password)\n    except Exception:\n        logger.exception('connect failed with password %s', password)\n",
        ),
        (
            "request json",
            "@app.post('/signup')\ndef signup():\n    data = request.get_json()\n    logger.info('signup payload %s', data)\n    create(data['email'], data['password'])\n",
        ),
        (
            "card",
            "def charge(card_number, amount):\n    logger.info('charging card %s amount %s', card_number, amount)\n",
        ),
    ],
    "javascript": [
        (
            "console password",
            "function login(req, res) { console.log('login', req.body.username, req.body.password); }\n",
        ),
        (
            "body",
            "function routes(app) {\n  app.post('/login', (req, res) => { logger.info(`login body ${JSON.stringify(req.body)}`); });\n}\n",
        ),
        (
            "headers",
            "function mw(req, res, next) { logger.debug({ headers: req.headers }, 'incoming'); next(); }\n",
        ),
        (
            "token",
            "async function refresh() { const { access_token } = await getToken(); console.log('token', access_token); }\n",
        ),
    ],
    "java": [
        (
            "password param",
            'class A { void login(String user, String password) { log.info("login {} {}", user, password); } }',
        ),
        (
            "header",
            'class A { void h(HttpServletRequest req) { log.debug("auth header: " + req.getHeader("Authorization")); } }',
        ),
        (
            "api key",
            'class A { void init(@Value("${stripe.key}") String apiKey) { LOGGER.info("Stripe key: {}", apiKey); } }',
        ),
    ],
    "go": [
        (
            "password",
            'package x\nfunc login(user, password string) {\n\tlog.Printf("login %s %s", user, password)\n}\n',
        ),
        (
            "header",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tlog.Println("auth:", r.Header.Get("Authorization"))\n}\n',
        ),
        (
            "token zap",
            'package x\nfunc refresh(logger *zap.Logger, tok *oauth2.Token) {\n\tlogger.Info("refreshed", zap.String("access_token", tok.AccessToken))\n}\n',
        ),
    ],
}

SAFE_LOGS = {
    "python": [
        (
            "user only",
            "def login(username, password):\n    log.info('login attempt user=%s', username)\n",
        ),
        ("masked", "def setup(api_key):\n    log.info('api key ****%s', api_key[-4:])\n"),
        ("length", "def setup(password):\n    log.debug('password length %d', len(password))\n"),
        (
            "hash fp",
            "def setup(token):\n    log.debug('token fingerprint %s', hashlib.sha256(token.encode()).hexdigest()[:8])\n",
        ),
        (
            "password policy",
            "def check(policy):\n    log.info('password policy min=%d', policy.min_length)\n",
        ),
        (
            "token type",
            "def issue(token_type, user):\n    log.info('issued %s for %s', token_type, user.id)\n",
        ),
        (
            "password reset msg",
            "def reset(user):\n    log.info('password reset requested for %s', user.email)\n",
        ),
        (
            "headers minus auth",
            "@app.get('/x')\ndef x():\n    safe = {k: v for k, v in request.headers.items() if k.lower() not in ('authorization', 'cookie')}\n    log.info('headers %s', safe)\n",
        ),
    ],
    "javascript": [
        ("user only", "function login(req, res) { console.log('login', req.body.username); }\n"),
        (
            "redacted",
            "function login(req, res) { const { password, ...rest } = req.body; logger.info({ body: rest }, 'login'); }\n",
        ),
        (
            "token expiry",
            "function refresh(token) { console.log('token expires at', token.expiresAt); }\n",
        ),
    ],
    "java": [
        (
            "user",
            'class A { void login(String user, String password) { log.info("login {}", user); } }',
        ),
        (
            "masked",
            'class A { void init(String apiKey) { LOGGER.info("Stripe key: {}", mask(apiKey)); } }',
        ),
    ],
    "go": [
        (
            "user",
            'package x\nfunc login(user, password string) {\n\tlog.Printf("login %s", user)\n}\n',
        ),
        (
            "expiry",
            'package x\nfunc refresh(logger *zap.Logger, tok *oauth2.Token) {\n\tlogger.Info("refreshed", zap.Time("expiry", tok.Expiry))\n}\n',
        ),
    ],
}

EVALUATED = {
    "python": [
        (
            "eval arg",
            "@app.get('/calc')\ndef calc():\n    expr = request.args['expr']\n    return str(eval(expr))\n",
        ),
        ("exec body", "@app.post('/run')\ndef run():\n    exec(request.get_data(as_text=True))\n"),
        (
            "ssti",
            "@app.get('/hello')\ndef hello():\n    name = request.args.get('name', '')\n    return render_template_string('<h1>Hello ' + name + '</h1>')\n",
        ),
        (
            "jinja Template",
            "@app.post('/preview')\ndef preview():\n    tpl = jinja2.Template(request.form['template'])\n    return tpl.render(user=current_user)\n",
        ),
        (
            "compile",
            "def handler(request):\n    code = compile(request.POST['src'], '<user>', 'exec')\n    exec(code, {})\n",
        ),
    ],
    "javascript": [
        ("eval", "function calc(req, res) { res.send(String(eval(req.query.expr))); }\n"),
        (
            "new Function",
            "function run(req, res) { const fn = new Function('x', req.body.code); res.json(fn(1)); }\n",
        ),
        (
            "vm",
            "const vm = require('vm');\nfunction run(req, res) { res.json(vm.runInNewContext(req.body.script, {})); }\n",
        ),
        (
            "setTimeout string",
            "function later(req, res) { setTimeout(req.query.cb, 100); res.end(); }\n",
        ),
    ],
    "java": [
        (
            "script engine",
            'class A { Object run(@RequestParam String expr) throws Exception { ScriptEngine engine = new ScriptEngineManager().getEngineByName("js"); return engine.eval(expr); } }',
        ),
        (
            "spel",
            "class A { Object calc(@RequestParam String expr) { ExpressionParser parser = new SpelExpressionParser(); return parser.parseExpression(expr).getValue(); } }",
        ),
        (
            "groovy",
            'class A { Object run(HttpServletRequest req) { GroovyShell shell = new GroovyShell(); return shell.evaluate(req.getParameter("script")); } }',
        ),
    ],
    "go": [
        (
            "template parse",
            'package x\nimport "text/template"\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tt, _ := template.New("x").Parse(r.FormValue("tpl"))\n\tt.Execute(w, nil)\n}\n',
        ),
        (
            "goja",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tvm := goja.New()\n\tv, _ := vm.RunString(r.FormValue("js"))\n\tfmt.Fprint(w, v)\n}\n',
        ),
    ],
}

SAFE_EVALUATION = {
    "python": [
        (
            "literal_eval",
            "@app.get('/calc')\ndef calc():\n    return str(ast.literal_eval(request.args['value']))\n",
        ),
        ("eval const", "def version():\n    return eval('1 + 2')\n"),
        (
            "allow-list getattr",
            "@app.get('/op')\ndef op():\n    name = request.args['fn']\n    if name not in ('upper', 'lower'):\n        abort(400)\n    return getattr(str, name)(request.args['arg'])\n",
        ),
        (
            "sandboxed",
            "from jinja2.sandbox import SandboxedEnvironment\n_env = SandboxedEnvironment()\n@app.post('/preview')\ndef preview():\n    return _env.from_string(request.form['template']).render(name='x')\n",
        ),
        (
            "template file",
            "@app.get('/hello')\ndef hello():\n    return render_template('hello.html', name=request.args.get('name'))\n",
        ),
        (
            "json loads",
            "@app.post('/x')\ndef x():\n    data = json.loads(request.get_data())\n    return jsonify(data)\n",
        ),
    ],
    "javascript": [
        ("JSON.parse", "function parse(req, res) { res.json(JSON.parse(req.body.data)); }\n"),
        (
            "setTimeout fn",
            "function later(req, res) { setTimeout(() => notify(req.user), 100); res.end(); }\n",
        ),
        (
            "Function const",
            "const add = new Function('a', 'b', 'return a + b');\nfunction sum(req, res) { res.json(add(1, 2)); }\n",
        ),
        (
            "mathjs",
            "const { evaluate } = require('mathjs');\nfunction calc(req, res) { res.json(evaluate(req.query.expr)); }\n",
        ),
    ],
    "java": [
        (
            "simple eval ctx",
            "class A { Object calc(@RequestParam String expr) { ExpressionParser parser = new SpelExpressionParser(); EvaluationContext ctx = SimpleEvaluationContext.forReadOnlyDataBinding().build(); return parser.parseExpression(expr).getValue(ctx); } }",
        ),
        (
            "exp4j",
            "class A { double calc(@RequestParam String expr) { return new ExpressionBuilder(expr).build().evaluate(); } }",
        ),
    ],
    "go": [
        (
            "html template const",
            'package x\nimport "html/template"\nvar page = template.Must(template.New("p").Parse("<p>{{.}}</p>"))\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tpage.Execute(w, r.FormValue("q"))\n}\n',
        ),
    ],
}


TRAVERSALS = {
    "python": [
        (
            "send_file join",
            "@app.get('/d')\ndef d():\n    return send_file(os.path.join(DIR, request.args['name']))\n",
        ),
        (
            "open",
            "@app.get('/d')\ndef d():\n    with open('/data/' + request.args['name']) as f:\n        return f.read()\n",
        ),
        (
            "save filename",
            "@app.post('/up')\ndef up():\n    f = request.files['file']\n    f.save(os.path.join(UPLOAD_DIR, f.filename))\n",
        ),
        (
            "pathlib",
            "@app.get('/d')\ndef d():\n    return (BASE / request.args['name']).read_text()\n",
        ),
    ],
    "javascript": [
        (
            "sendFile join",
            "function d(req, res) { res.sendFile(path.join(DIR, req.query.name)); }\n",
        ),
        (
            "readFile",
            "function d(req, res) { fs.readFile(path.join(DIR, req.params.file), (e, d) => res.send(d)); }\n",
        ),
        (
            "multer original",
            "function up(req, res) { fs.writeFileSync(path.join(DIR, req.file.originalname), req.file.buffer); res.end(); }\n",
        ),
    ],
    "java": [
        (
            "FileInputStream",
            'class A { void d(HttpServletRequest req, HttpServletResponse resp) throws IOException { try (InputStream in = new FileInputStream(new File(DIR, req.getParameter("name")))) { in.transferTo(resp.getOutputStream()); } } }',
        ),
        (
            "Files.readAllBytes",
            "class A { byte[] d(@RequestParam String name) throws IOException { return Files.readAllBytes(Paths.get(DIR, name)); } }",
        ),
        (
            "transferTo original",
            "class A { void up(@RequestParam MultipartFile file) throws IOException { file.transferTo(new File(DIR, file.getOriginalFilename())); } }",
        ),
    ],
    "go": [
        (
            "ServeFile join",
            'package x\nfunc d(w http.ResponseWriter, r *http.Request) {\n\thttp.ServeFile(w, r, filepath.Join(dir, r.URL.Query().Get("name")))\n}\n',
        ),
        (
            "os.Open",
            'package x\nfunc d(c *gin.Context) {\n\tf, _ := os.Open("/data/" + c.Param("name"))\n\tio.Copy(c.Writer, f)\n}\n',
        ),
    ],
}

SAFE_PATHS = {
    "python": [
        (
            "secure_filename",
            "from werkzeug.utils import secure_filename\n@app.post('/up')\ndef up():\n    f = request.files['file']\n    f.save(os.path.join(UPLOAD_DIR, secure_filename(f.filename)))\n",
        ),
        (
            "basename",
            "@app.get('/d')\ndef d():\n    name = os.path.basename(request.args['name'])\n    return send_file(os.path.join(DIR, name))\n",
        ),
        (
            "resolve relative_to",
            "@app.get('/d')\ndef d():\n    p = (BASE / request.args['name']).resolve()\n    if not p.is_relative_to(BASE):\n        abort(403)\n    return send_file(p)\n",
        ),
        (
            "realpath startswith",
            "@app.get('/d')\ndef d():\n    p = os.path.realpath(os.path.join(BASE, request.args['name']))\n    if not p.startswith(BASE + os.sep):\n        abort(403)\n    return send_file(p)\n",
        ),
        (
            "send_from_directory",
            "@app.get('/d')\ndef d():\n    return send_from_directory(DIR, request.args['name'])\n",
        ),
        (
            "uuid name",
            "@app.post('/up')\ndef up():\n    f = request.files['file']\n    name = f'{uuid.uuid4().hex}.bin'\n    f.save(os.path.join(UPLOAD_DIR, name))\n",
        ),
        (
            "allow-list",
            "@app.get('/r')\ndef r():\n    report = request.args['r']\n    if report not in REPORTS:\n        abort(404)\n    return send_file(os.path.join(DIR, report + '.pdf'))\n",
        ),
        (
            "db id",
            "@app.get('/f/<int:fid>')\ndef f(fid):\n    row = File.query.get_or_404(fid)\n    return send_file(row.path)\n",
        ),
        (
            "int",
            "@app.get('/p')\ndef p():\n    n = int(request.args['page'])\n    return open(f'/data/pages/{n}.html').read()\n",
        ),
        (
            "fastapi FileResponse const",
            "@app.get('/logo')\ndef logo():\n    return FileResponse('static/logo.png')\n",
        ),
        (
            "regex",
            "@app.get('/d')\ndef d():\n    name = request.args['name']\n    if not re.fullmatch(r'[A-Za-z0-9_-]+\\.pdf', name):\n        abort(400)\n    return send_file(os.path.join(DIR, name))\n",
        ),
    ],
    "javascript": [
        (
            "basename",
            "app.get('/d', (req, res) => { res.sendFile(path.join(DIR, path.basename(req.query.name))); });\n",
        ),
        (
            "root option",
            "function d(req, res) { res.sendFile(req.params.name, { root: PUBLIC_DIR }); }\n",
        ),
        (
            "resolve startsWith",
            "function d(req, res) { const p = path.resolve(BASE, req.query.name); if (!p.startsWith(BASE + path.sep)) return res.sendStatus(403); fs.createReadStream(p).pipe(res); }\n",
        ),
        ("express static", "app.use('/static', express.static(path.join(__dirname, 'public')));\n"),
        (
            "uuid",
            "async function up(req, res) { const name = crypto.randomUUID() + '.bin'; await fs.promises.writeFile(path.join(DIR, name), req.body); res.json({ name }); }\n",
        ),
        (
            "parseInt",
            "function p(req, res) { const n = parseInt(req.query.n, 10); fs.readFile(`/data/${n}.json`, (e, d) => res.send(d)); }\n",
        ),
    ],
    "java": [
        (
            "normalize startsWith",
            "class A { Resource d(@RequestParam String name) throws IOException { Path p = BASE.resolve(name).normalize(); if (!p.startsWith(BASE)) { throw new SecurityException(); } return new UrlResource(p.toUri()); } }",
        ),
        (
            "FilenameUtils",
            "class A { byte[] d(@RequestParam String name) throws IOException { return Files.readAllBytes(DIR.resolve(FilenameUtils.getName(name))); } }",
        ),
        (
            "uuid",
            "class A { void up(@RequestParam MultipartFile file) throws IOException { file.transferTo(DIR.resolve(UUID.randomUUID().toString())); } }",
        ),
        (
            "canonical",
            "class A { byte[] d(@RequestParam String name) throws IOException { File f = new File(DIR, name); if (!f.getCanonicalPath().startsWith(DIR.getCanonicalPath() + File.separator)) { throw new SecurityException(); } return Files.readAllBytes(f.toPath()); } }",
        ),
    ],
    "go": [
        (
            "filepath.Base",
            'package x\nfunc d(w http.ResponseWriter, r *http.Request) {\n\tname := filepath.Base(r.URL.Query().Get("name"))\n\thttp.ServeFile(w, r, filepath.Join(dir, name))\n}\n',
        ),
        (
            "Rel check",
            'package x\nfunc d(w http.ResponseWriter, r *http.Request) {\n\tp := filepath.Join(dir, r.URL.Query().Get("name"))\n\trel, err := filepath.Rel(dir, p)\n\tif err != nil || strings.HasPrefix(rel, "..") {\n\t\thttp.Error(w, "no", 403)\n\t\treturn\n\t}\n\thttp.ServeFile(w, r, p)\n}\n',
        ),
        (
            "http.Dir",
            'package x\nfunc main() {\n\thttp.Handle("/s/", http.StripPrefix("/s/", http.FileServer(http.Dir("public"))))\n}\n',
        ),
        (
            "os.Root",
            'package x\nfunc d(w http.ResponseWriter, r *http.Request) {\n\troot, _ := os.OpenRoot(dir)\n\tf, err := root.Open(r.URL.Query().Get("name"))\n\tif err != nil {\n\t\treturn\n\t}\n\tio.Copy(w, f)\n}\n',
        ),
    ],
}


@pytest.mark.parametrize(
    ("rule", "language", "code"),
    probes("command-injection", COMMANDS)
    + probes("weak-password-hash", WEAK_HASHES)
    + probes("sensitive-data-in-logs", LEAKS)
    + probes("code-injection", EVALUATED)
    + probes("path-traversal", TRAVERSALS),
)
def test_flagged(rule: str, language: str, code: str) -> None:
    assert flagged_anywhere(rule, code, language)


@pytest.mark.parametrize(
    ("rule", "language", "code"),
    probes("command-injection", SAFE_COMMANDS)
    + probes("weak-password-hash", SAFE_HASHES)
    + probes("sensitive-data-in-logs", SAFE_LOGS)
    + probes("code-injection", SAFE_EVALUATION)
    + probes("path-traversal", SAFE_PATHS),
)
def test_not_flagged(rule: str, language: str, code: str) -> None:
    assert not flagged_anywhere(rule, code, language)
