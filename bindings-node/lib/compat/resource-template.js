/**
 * `ResourceTemplate(uriTemplate, { list, complete })`, as in the official SDK: an RFC 6570
 * URI template, a callback listing the resources it currently stands for (`list`, required
 * but may be `undefined`), and completion callbacks for its variables (`complete`). The
 * engine matches URIs against the template; this object only carries the pieces.
 */
'use strict';

/** The variable names of an RFC 6570 template, in order (`{a}`, `{+b}`, `{?c,d}`, `{e*}`). */
function variableNames(template) {
  const names = [];
  for (const [, expression] of template.matchAll(/\{([^}]*)\}/g)) {
    for (const part of expression.replace(/^[+#./;?&]/, '').split(',')) {
      const name = part.replace(/(\*|:\d+)$/, '').trim();
      if (name) names.push(name);
    }
  }
  return names;
}

/** A URI template string with its variable names (what `ResourceTemplate.uriTemplate` is). */
class UriTemplate {
  #template;

  /** @param {string} template an RFC 6570 URI template */
  constructor(template) {
    this.#template = String(template);
    this.variableNames = variableNames(this.#template);
  }

  /** The template text. */
  toString() {
    return this.#template;
  }
}

/** True for a URI template object: its variable names and its text (`toString()`). */
function isUriTemplate(value) {
  return value instanceof UriTemplate || (value !== null && typeof value === 'object' && Array.isArray(value.variableNames) && typeof value.toString === 'function');
}

class ResourceTemplate {
  #uriTemplate;
  #callbacks;

  /**
   * @param {string | UriTemplate} uriTemplate a string, or a template object (this package's
   *   `UriTemplate` or the official SDK's), which `uriTemplate` then returns as given
   * @param {{ list: Function | undefined, complete?: { [variable: string]: Function } }} callbacks
   *   `list(extra)` returns `{ resources: [...] }`; `complete[variable](value, context)`
   *   returns the suggestions for that variable
   */
  constructor(uriTemplate, callbacks) {
    if (!callbacks || typeof callbacks !== 'object' || !('list' in callbacks)) {
      throw new TypeError('mcpforge: new ResourceTemplate(uriTemplate, { list, complete }) needs `list` (a function or undefined)');
    }
    // A template object (this package's, or the official SDK's own `UriTemplate`) is kept as given.
    this.#uriTemplate = isUriTemplate(uriTemplate) ? uriTemplate : new UriTemplate(uriTemplate);
    this.#callbacks = callbacks;
  }

  /** The URI template. */
  get uriTemplate() {
    return this.#uriTemplate;
  }

  /** The callback listing this template's resources, if any. */
  get listCallback() {
    return this.#callbacks.list;
  }

  /** The completion callback of `variable`, if any. */
  completeCallback(variable) {
    return this.#callbacks.complete?.[variable];
  }
}

module.exports = { ResourceTemplate, UriTemplate };
