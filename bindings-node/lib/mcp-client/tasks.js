/**
 * `client.experimental.tasks`: tools called as tasks and the `tasks/*` requests, with the
 * names of the official TypeScript SDK's experimental tasks API. The engine speaks both
 * wires: on 2025-11-25 a task is asked for with the `task` param and `getTaskResult` is
 * `tasks/result`; on 2026-07-28 the server decides, and `getTaskResult` polls `tasks/get`
 * at the interval the server suggests, the task's questions answered by the client's
 * request handlers. `callToolStream` yields each state the engine's poll reads.
 */
'use strict';

/** The states a task does not leave. */
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * The engine's poll of a task (mcpforge::client::NEXT_TASK_STATE): it waits the interval the
 * state `after` suggests (kept between 10 ms and 30 s, 500 ms without one), then reads the
 * task's state. Not an MCP method: it never reaches the wire under this name.
 */
const NEXT_TASK_STATE = 'mcpforge/nextTaskState';

/** The task state of a `tools/call` result, when the server made a task. */
function taskOf(result) {
  if (result && typeof result.task === 'object' && result.task !== null) return result.task;
  if (result && result.resultType === 'task') return result;
  return undefined;
}

class ExperimentalClientTasks {
  #client;

  constructor(client) {
    this.#client = client;
  }

  /**
   * Calls a tool as a task and yields what happens: `{ type: 'taskCreated', task }`, then
   * `{ type: 'taskStatus', task }` at each poll, and last `{ type: 'result', result }` or
   * `{ type: 'error', error }`. A server that answers at once yields the result alone.
   * `params.task` (`{ ttl }`) is sent as given, `{}` when absent.
   */
  async *callToolStream(params, resultSchema, options = {}) {
    let started;
    try {
      started = await this.#client.request({ method: 'tools/call', params: { ...params, task: params.task ?? {} } }, undefined, options);
    } catch (error) {
      yield { type: 'error', error };
      return;
    }
    let task = taskOf(started);
    if (!task) {
      yield { type: 'result', result: resultSchema?.parse ? resultSchema.parse(started) : started };
      return;
    }
    yield { type: 'taskCreated', task };
    try {
      // Until it ends or asks for input (answered while `getTaskResult` waits).
      while (!TERMINAL.has(task.status) && task.status !== 'input_required') {
        task = await this.#client.request({ method: NEXT_TASK_STATE, params: { taskId: task.taskId, after: task } }, undefined, options);
        yield { type: 'taskStatus', task };
      }
      yield { type: 'result', result: await this.getTaskResult(task.taskId, resultSchema, options) };
    } catch (error) {
      yield { type: 'error', error };
    }
  }

  /** `tasks/get`: the task's state. */
  getTask(taskId, options) {
    return this.#client.request({ method: 'tasks/get', params: { taskId } }, undefined, options);
  }

  /** The task's result once it ended; a failed task rejects with its `McpError`. */
  getTaskResult(taskId, resultSchema, options) {
    return this.#client.request({ method: 'tasks/result', params: { taskId } }, resultSchema, options);
  }

  /** `tasks/list` (2025-11-25), the page at `cursor`. */
  listTasks(cursor, options) {
    return this.#client.request({ method: 'tasks/list', params: cursor === undefined ? {} : { cursor } }, undefined, options);
  }

  /** `tasks/cancel`. */
  cancelTask(taskId, options) {
    return this.#client.request({ method: 'tasks/cancel', params: { taskId } }, undefined, options);
  }
}

module.exports = { ExperimentalClientTasks };
