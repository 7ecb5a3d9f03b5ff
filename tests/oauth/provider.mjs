/**
 * The authorization server of the OAuth end-to-end tests: oidc-provider (the certified OpenID
 * Provider for Node) on 127.0.0.1, on a free port, with what an MCP client needs of one:
 *
 *   - dynamic client registration (RFC 7591), open; a client may then ask for any of the
 *     provider's scopes, whatever `scope` its registration named (this provider's policy), so
 *     a client that registered for one scope can step up to more;
 *   - the authorization code grant with PKCE required (S256), and refresh tokens for a client
 *     registered with the `refresh_token` grant that asks for `offline_access` (with
 *     `prompt=consent`, as OpenID Connect requires);
 *   - resource indicators (RFC 8707): a token is issued for the resource the client names,
 *     which becomes its audience; any http URL on a loopback host is a resource;
 *   - access tokens as signed JWTs (`--tokens jwt`, the default) or opaque tokens the resource
 *     server checks by introspection (`--tokens opaque`, RFC 7662), with revocation (RFC 7009);
 *   - one confidential client, `mcp-test` (secret `mcp-test-secret`), which may use the client
 *     credentials grant (the negative tests get their tokens with it) and introspect tokens
 *     (the resource server's credentials in `--tokens opaque`).
 *
 * With `--no-registration REDIRECT_URI` (the upstream of the OAuth proxy), there is no
 * registration: one more confidential client, `mcp-proxy` (secret `mcp-proxy-secret`), is
 * registered by this configuration for the code grant with exactly REDIRECT_URI (the
 * proxy's callback; its port is chosen before either starts) and the `openid` scope.
 *
 * The end user is `test-user`, signed in and consenting at once: the interaction page, which a
 * browser would show, finishes the login and then the consent (granting every scope asked for)
 * and redirects back, so a test plays the browser by following redirects with cookies.
 *
 * Scopes are `mcp:tools`, `mcp:admin` and `mcp:other` (besides `openid` and `offline_access`).
 * `GET /test/grants` answers how many tokens the token endpoint issued, by grant type
 * (`{"authorization_code": 1, "refresh_token": 1}`), and the requests it refused
 * (`"refresh_token refused"`): what the clients' refresh tests count.
 * Prints the issuer URL on stdout when ready, and each step of its start on stderr
 * (`provider: ...`), so a start that stalls says where; stops on SIGTERM, SIGINT or when
 * stdin closes (the test that started it exited).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

/** One step of the start, on stderr. */
const step = (what) => process.stderr.write(`provider: ${what}\n`);
step('modules loaded');

const SCOPES = ['mcp:tools', 'mcp:admin', 'mcp:other'];
const USER = 'test-user';

/** `[--tokens jwt|opaque] [--no-registration REDIRECT_URI]` from the command line. */
function commandLine(argv) {
  const options = { format: 'jwt', proxyRedirect: null };
  const usage = () => {
    process.stderr.write('usage: provider.mjs [--tokens jwt|opaque] [--no-registration REDIRECT_URI]\n');
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (argv[i] === '--tokens' && ['jwt', 'opaque'].includes(value)) options.format = value;
    else if (argv[i] === '--no-registration' && value?.startsWith('http://127.0.0.1:')) options.proxyRedirect = value;
    else usage();
  }
  return options;
}

/** Whether `resource` is an http(s) URL on a loopback host: the only resources served here. */
function loopbackResource(resource) {
  try {
    const url = new URL(resource);
    return ['http:', 'https:'].includes(url.protocol) && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/**
 * The provider's configuration for tokens of `format` (`jwt` or `opaque`); with
 * `proxyRedirect`, without registration and with the proxy's client.
 */
function configuration(format, proxyRedirect) {
  const proxyClient = {
    client_id: 'mcp-proxy',
    client_secret: 'mcp-proxy-secret',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [proxyRedirect],
    scope: 'openid',
  };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  step('signing key made');
  const signing = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
  return {
    clients: [
      {
        client_id: 'mcp-test',
        client_secret: 'mcp-test-secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: SCOPES.join(' '),
      },
      ...(proxyRedirect ? [proxyClient] : []),
    ],
    jwks: { keys: [signing] },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    scopes: ['openid', 'offline_access', ...SCOPES],
    pkce: { required: () => true },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: !proxyRedirect },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (!loopbackResource(resource)) throw new Provider.errors.InvalidTarget();
          return {
            scope: SCOPES.join(' '),
            audience: resource,
            accessTokenTTL: 600,
            accessTokenFormat: format,
            ...(format === 'jwt' ? { jwt: { sign: { alg: 'RS256' } } } : {}),
          };
        },
      },
    },
  };
}

/**
 * The interaction page: signs `test-user` in (prompt `login`), or grants every scope the
 * client asked for, on every resource it named (prompt `consent`), then redirects back to the
 * authorization endpoint.
 */
async function interact(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  let result;
  if (details.prompt.name === 'login') {
    result = { login: { accountId: USER } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

/**
 * A registration's body without its `scope`, read to the end (at most 64 KiB) and left on
 * `req.body`, where the provider reads an already parsed body.
 */
async function unscopedRegistration(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 65536) throw new Error('registration too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const { scope: _, ...metadata } = JSON.parse(text);
    req.body = metadata;
  } catch {
    req.body = text; // not JSON: the provider refuses it
  }
}

const { format, proxyRedirect } = commandLine(process.argv.slice(2));
let provider;
let handle;
/** The tokens issued, by grant type (`GET /test/grants`). */
const grants = {};
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/test/grants') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(grants));
  } else if (req.method === 'GET' && /^\/interaction\/[^/]+$/.test(req.url)) {
    interact(provider, req, res).catch((err) => {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`interaction failed: ${err.message}`);
    });
  } else if (req.method === 'POST' && req.url === '/reg') {
    unscopedRegistration(req).then(
      () => handle(req, res),
      (err) => res.writeHead(400, { 'content-type': 'text/plain' }).end(err.message),
    );
  } else {
    handle(req, res);
  }
});
// Node closes a keep-alive connection after 5 s idle by default: a client reusing it at that
// moment (a test's flow paused on a loaded machine) gets a connection closed without an
// answer. A test's clients are gone long before a minute.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  step(`listening on port ${server.address().port}`);
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, configuration(format, proxyRedirect));
  provider.on('grant.success', (ctx) => {
    const type = ctx.oidc.params.grant_type;
    grants[type] = (grants[type] ?? 0) + 1;
  });
  // A refused token request counts too, apart, so that a test sees a second refresh even
  // when the provider refuses a refresh token already used.
  provider.on('grant.error', (ctx) => {
    const key = `${ctx.oidc?.params?.grant_type ?? 'unknown'} refused`;
    grants[key] = (grants[key] ?? 0) + 1;
  });
  handle = provider.callback();
  step('provider configured');
  process.stdout.write(`${issuer}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
