/**
 * Stand-in for `cross-fetch` / `node-fetch` inside the bundle: Node 20 and the VS Code extension
 * host have a global fetch, so exa-js uses it directly instead of pulling node-fetch and its
 * URL polyfills into dist/extension.js.
 */
const g = globalThis;
const fetchImpl: typeof globalThis.fetch = (...args) => g.fetch(...args);
export { fetchImpl as fetch };
export default fetchImpl;
export const HeadersImpl = g.Headers;
export const RequestImpl = g.Request;
export const ResponseImpl = g.Response;
export { HeadersImpl as Headers, RequestImpl as Request, ResponseImpl as Response };
