import type { Plugin } from 'graphql-yoga';
import type { Metrics } from './metrics.js';

export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics` in Prometheus' text format, without a token, like `/healthz`: it carries counts, never
 * user data. Deployments that must not expose it turn it off with METRICS_ENABLED=false (or keep the path
 * off their ingress) and scrape the instances directly.
 */
export const useMetricsEndpoint = (metrics: Pick<Metrics, 'render' | 'contentType'>): Plugin => ({
  // Not async: every other request passes through here and should not pay for a promise.
  onRequest({ url, request, endResponse, fetchAPI }) {
    if (url.pathname !== METRICS_PATH) return undefined;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
      return undefined;
    }
    return metrics.render().then((text) => endResponse(new fetchAPI.Response(text, { headers: { 'content-type': metrics.contentType } })));
  },
});
