/**
 * The one rule for a configured endpoint (a gateway, a proxy, a local server) of the Anthropic or
 * Exa API: an absolute http(s) URL, used as written minus trailing slashes.
 *
 * Owns: what counts as a usable base URL, for the settings (which refuse a bad one before a run
 * starts) and for the providers (which refuse one they are given). Must not: word the message
 * the person reads in the editor (the settings layer localizes its own).
 */
import { ConfigurationError } from './errors';
import { isHttpUrl } from './safeText';

/** The base URL `value` stands for, without trailing slashes; undefined when it is not an http(s) URL. */
export function baseUrlOf(value: string): string | undefined {
  const text = value.trim();
  return isHttpUrl(text) ? text.replace(/\/+$/, '') : undefined;
}

/** `baseUrlOf(value)`, or a ConfigurationError naming the service when it is not an http(s) URL. */
export function checkedBaseUrl(value: string, service: 'Anthropic' | 'Exa'): string {
  const url = baseUrlOf(value);
  if (url === undefined) {
    throw new ConfigurationError('baseUrl', `The ${service} base URL "${value}" is not a valid http(s) URL.`, service === 'Exa' ? 'exa' : 'anthropic');
  }
  return url;
}
