/**
 * The browser `mcpforge gateway --stdio` opens in tests/oauth/gateway_stdio.test.mjs (given
 * as $BROWSER): it follows the authorization URL of its argument as a user who consents
 * (support.mjs `browse`), then delivers the redirect to the gateway's listener on 127.0.0.1
 * (the authorization URL's `redirect_uri`), as a browser would.
 */
import { browse } from './support.mjs';

const start = new URL(process.argv[2]);
const redirect = start.searchParams.get('redirect_uri');
const { params } = await browse(start, redirect);
const answer = await fetch(`${redirect}?${params}`, { signal: AbortSignal.timeout(20_000) });
if (!answer.ok) throw new Error(`the gateway's listener answered ${answer.status}`);
