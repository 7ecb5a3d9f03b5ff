/**
 * Notifications and client requests in their wire form (`{ method, params }`), as the
 * official SDK's `extra.sendNotification`, `extra.sendRequest` and `server.notification`
 * take them, mapped onto what the engine sends: progress and log messages belong to the
 * request a handler serves; list and resource changes go to every client of the server.
 */
'use strict';

/** The notifications `sendNotification` hands to the engine, which sends them itself. */
const ENGINE_SENT = new Set([
  'notifications/progress',
  'notifications/message',
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
  'notifications/resources/list_changed',
  'notifications/resources/updated',
]);

/**
 * Sends one notification `{ method, params }`. `ctx` is the handler's context (undefined
 * outside a handler: progress then has no request to belong to); `server` the mcpforge
 * Server; `log(params)` sends a log message where no context is at hand.
 */
function sendNotification(notification, ctx, server, log) {
  const { method, params = {} } = notification || {};
  switch (method) {
    case 'notifications/progress':
      if (!ctx) throw new Error('mcpforge: progress belongs to a request; send it from inside a handler');
      ctx.reportProgress(params.progress, params.total, params.message);
      return;
    case 'notifications/message':
      if (ctx) ctx.log(params.level, params.data, params.logger);
      else log(params);
      return;
    case 'notifications/tools/list_changed':
      server.notifyToolsChanged();
      return;
    case 'notifications/prompts/list_changed':
      server.notifyPromptsChanged();
      return;
    case 'notifications/resources/list_changed':
      server.notifyResourcesChanged();
      return;
    case 'notifications/resources/updated':
      server.notifyResourceUpdated(String(params.uri));
      return;
    default:
      // A method of the application's own goes on the request's stream, as the SDK sends it.
      if (typeof method !== 'string' || !ctx) {
        throw new Error(`mcpforge: cannot send the notification \`${method}\` outside a handler (the engine sends the protocol's own itself)`);
      }
      ctx.notify(method, params);
  }
}

/**
 * Sends one client request `{ method, params }` from inside a handler (`ctx`): elicitation,
 * sampling or roots, through the context so it works on both wires. `resultSchema`, when
 * given (a zod schema, as the official SDK takes), parses the answer.
 */
async function sendRequest(request, ctx, resultSchema) {
  const { method, params = {} } = request || {};
  let result;
  if (method === 'elicitation/create') result = await ctx.elicit(params);
  else if (method === 'sampling/createMessage') result = await ctx.sample(params);
  else if (method === 'roots/list') result = await ctx.listRoots();
  else throw new Error(`mcpforge: cannot send the request \`${method}\` to the client (elicitation/create, sampling/createMessage or roots/list)`);
  return resultSchema && typeof resultSchema.parse === 'function' ? resultSchema.parse(result) : result;
}

module.exports = { sendNotification, sendRequest, ENGINE_SENT };
