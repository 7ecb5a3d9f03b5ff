/**
 * The official TypeScript SDK's experimental tasks API on the drop-in:
 * `mcpServer.experimental.tasks.registerToolTask(name, config, handler)` and
 * `mcpServer.server.experimental.tasks` (`elicitInputStream`, `createMessageStream`).
 *
 * The engine keeps the tasks the client sees (`tasks/get`, `tasks/result`, `tasks/list`,
 * `tasks/cancel` of 2025-11-25, and the 2026-07-28 extension): a task tool's call with
 * `params.task` becomes an engine task whose body is the adapter here. That body runs the
 * application's handlers as the official `McpServer` does for a tool it polls itself:
 * `createTask(args, extra)` with `extra.taskStore` (the `taskStore` given to `McpServer`,
 * seen through the request as the SDK's request task store does: the request's id, the
 * call and the session are recorded with each task) and `extra.taskRequestedTtl`; then
 * `getTask(args, extra)` with `extra.taskId` every `pollInterval` until the application's
 * task ends, and `getTaskResult(args, extra)` for the result the engine's task answers. A
 * cancelled engine task cancels the application's task in its store.
 */
'use strict';

const { ErrorCode, McpError } = require('../errors');

/** Statuses after which a task changes no more. */
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** How long to wait between two looks at the application's task when neither it nor the server says (the SDK's store default). */
const DEFAULT_POLL_MS = 1000;

/** The SDK's request task store: `store` seen through one request (`ctx`), calling tool `name` with `args`. */
function requestTaskStore(store, ctx, name, args) {
  const sessionId = ctx.sessionId;
  return {
    createTask: (taskParams) => store.createTask(taskParams || {}, ctx.requestId, { method: 'tools/call', params: { name, arguments: args } }, sessionId),
    getTask: async (taskId) => {
      const task = await store.getTask(taskId, sessionId);
      if (!task) throw new McpError(ErrorCode.InvalidParams, 'Failed to retrieve task: Task not found');
      return task;
    },
    storeTaskResult: (taskId, status, result) => store.storeTaskResult(taskId, status, result, sessionId),
    getTaskResult: (taskId) => store.getTaskResult(taskId, sessionId),
    updateTaskStatus: async (taskId, status, statusMessage) => {
      const task = await store.getTask(taskId, sessionId);
      if (!task) throw new McpError(ErrorCode.InvalidParams, `Task "${taskId}" not found - it may have been cleaned up`);
      if (TERMINAL.has(task.status)) {
        throw new McpError(ErrorCode.InvalidParams, `Cannot update task "${taskId}" from terminal status "${task.status}" to "${status}".`);
      }
      await store.updateTaskStatus(taskId, status, statusMessage, sessionId);
    },
    listTasks: (cursor) => store.listTasks(cursor, sessionId),
  };
}

/** `ctx` (mcpforge's `Context`, the SDK's `extra`) with the fields of `added` on top. */
function extend(ctx, added) {
  return new Proxy(ctx, {
    get(target, key) {
      if (Object.prototype.hasOwnProperty.call(added, key)) return added[key];
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    has: (target, key) => Object.prototype.hasOwnProperty.call(added, key) || key in target,
  });
}

/** Resolves after `ms`, or at once when `signal` fires. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The body of the engine task for one call of a task tool: the application's `handler`
 * (`createTask`, `getTask`, `getTaskResult`) over `options.taskStore`. `withArgs`: the
 * tool has an input schema (handlers then take `(args, extra)`, else `(extra)`). The loop
 * ends when the application's task ends, leaves the store, or the engine task is cancelled.
 */
async function runToolTask(name, handler, withArgs, args, ctx, options) {
  if (!options.taskStore) throw new Error('No task store provided.');
  const store = requestTaskStore(options.taskStore, ctx, name, args);
  const call = (fn, extra) => (withArgs ? fn(args, extra) : fn(extra));
  const created = await call(handler.createTask, extend(ctx, { taskStore: store, taskRequestedTtl: undefined }));
  let task = created?.task;
  if (!task || typeof task.taskId !== 'string') throw new Error(`Tool ${name}: createTask must return { task } (the task its store created)`);
  const { taskId } = task;
  const extra = extend(ctx, { taskStore: store, taskId });
  const look = handler.getTask ? () => call(handler.getTask, extra) : () => store.getTask(taskId);
  while (!TERMINAL.has(task.status)) {
    await pause(task.pollInterval ?? options.pollMs ?? DEFAULT_POLL_MS, ctx.signal);
    if (ctx.cancelled) {
      await store.updateTaskStatus(taskId, 'cancelled').catch(() => {});
      throw new McpError(ErrorCode.InvalidRequest, 'Request cancelled');
    }
    task = await look();
    if (!task) throw new McpError(ErrorCode.InternalError, `Task ${taskId} not found during polling`);
  }
  return handler.getTaskResult ? call(handler.getTaskResult, extra) : store.getTaskResult(taskId);
}

/** `mcpServer.experimental.tasks`: `registerToolTask`. */
class ExperimentalMcpServerTasks {
  #register;

  /** @param {(name: string, config: object, handler: object) => object} register registers a task tool on the `McpServer` */
  constructor(register) {
    this.#register = register;
  }

  /**
   * Registers a tool that runs as a task: `config` as `registerTool`'s, with `execution`
   * (`taskSupport` `'required'` by default, or `'optional'`; `'forbidden'` is refused);
   * `handler` has `createTask`, `getTask` and `getTaskResult`. Returns the tool's handle.
   */
  registerToolTask(name, config, handler) {
    const execution = { taskSupport: 'required', ...config?.execution };
    if (execution.taskSupport === 'forbidden') {
      throw new Error(`Cannot register task-based tool '${name}' with taskSupport 'forbidden'. Use registerTool() instead.`);
    }
    if (!handler || typeof handler.createTask !== 'function') throw new TypeError(`mcpforge: task tool \`${name}\` needs a handler with createTask`);
    return this.#register(name, { ...config, execution }, handler);
  }
}

/** The SDK's response stream of one client request: its result, or its error, as the last message. */
async function* responseStream(ask) {
  try {
    yield { type: 'result', result: await ask() };
  } catch (error) {
    yield { type: 'error', error };
  }
}

/**
 * `mcpServer.server.experimental.tasks`: client requests as response streams. Inside a
 * handler (a task tool's work included, while its engine task runs) they are the request's
 * (or the task's) asks, as `elicitInput` and `createMessage` are.
 */
class ExperimentalServerTasks {
  #server;

  /** @param {object} server the `mcpServer.server` whose `elicitInput` and `createMessage` ask */
  constructor(server) {
    this.#server = server;
  }

  /** Asks the user (`elicitation/create`); yields `{ type: 'result', result }` or `{ type: 'error', error }`. */
  elicitInputStream(params) {
    const mode = params?.mode ?? 'form';
    if (!this.#server.getClientCapabilities()?.elicitation?.[mode] && !(mode === 'form' && this.#server.getClientCapabilities()?.elicitation)) {
      throw new Error(`Client does not support ${mode} elicitation.`);
    }
    return responseStream(() => this.#server.elicitInput({ ...params, mode }));
  }

  /** Asks the client's model (`sampling/createMessage`); yields as `elicitInputStream`. */
  createMessageStream(params) {
    return responseStream(() => this.#server.createMessage(params));
  }
}

module.exports = { ExperimentalMcpServerTasks, ExperimentalServerTasks, runToolTask };
