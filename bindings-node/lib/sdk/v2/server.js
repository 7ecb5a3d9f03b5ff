/**
 * `mcpforge/v2/server.js`: the high-level server of the official SDK 2.x server package
 * (`McpServer`, listing and refusing as 2.x does; `ResourceTemplate`), the classes the
 * stand-in for `@modelcontextprotocol/server` serves in place of the official ones.
 */
'use strict';

const { McpServer } = require('../../compat/v2-server');
const { ResourceTemplate } = require('../../index.js');

module.exports = { McpServer, ResourceTemplate };
