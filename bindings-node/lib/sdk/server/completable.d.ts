/** Types of `mcpforge/server/completable.js`. */
export { completable } from '../../index.js';
