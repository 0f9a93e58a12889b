// Webview entry point (bundled to dist/webview.js).
export {};
