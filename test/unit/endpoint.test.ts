/**
 * The one base-URL rule shared by the settings and the providers: an absolute http(s) URL,
 * trailing slashes removed; anything else is refused (by the providers with a ConfigurationError
 * naming the service and the key it belongs to).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { baseUrlOf, checkedBaseUrl } from '../../src/core/endpoint';
import { ConfigurationError } from '../../src/core/errors';

test('an http(s) base URL is kept as written, without trailing slashes or surrounding spaces', () => {
  assert.equal(baseUrlOf('https://gateway.example/v1/'), 'https://gateway.example/v1');
  assert.equal(baseUrlOf('  http://127.0.0.1:8080//  '), 'http://127.0.0.1:8080');
  assert.equal(checkedBaseUrl('https://gateway.example', 'Anthropic'), 'https://gateway.example');
});

test('anything that is not an absolute http(s) URL is refused', () => {
  for (const bad of ['', 'gateway.example', 'ftp://gateway.example', 'file:///etc/passwd', 'javascript:alert(1)', '/v1/messages']) {
    assert.equal(baseUrlOf(bad), undefined, bad);
  }
  assert.throws(
    () => checkedBaseUrl('ftp://gateway.example', 'Exa'),
    (err: unknown) => err instanceof ConfigurationError && err.setting === 'baseUrl' && err.service === 'exa' && /Exa base URL "ftp:\/\/gateway\.example"/.test(err.message),
  );
  assert.throws(
    () => checkedBaseUrl('not a url', 'Anthropic'),
    (err: unknown) => err instanceof ConfigurationError && err.service === 'anthropic',
  );
});
