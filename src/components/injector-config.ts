/*
 * The `config` key of ConfigMap `istio-sidecar-injector`.
 */
import { Binder } from '../values/binder';
import { GATEWAY_TEMPLATE } from './gateway-injection-template';
import { InjectionValues } from './injection-values';
import { KUBE_GATEWAY_TEMPLATE } from './kube-gateway-template';
import { SIDECAR_TEMPLATE } from './sidecar-injection-template';
import { WAYPOINT_TEMPLATE } from './waypoint-template';

/**
 * Builds the YAML text of the `config` key of ConfigMap `istio-sidecar-injector`.
 *
 * `policy` is `enabled` when `sidecarInjection.autoInjection` is true (pods are injected unless they
 * opt out), `disabled` otherwise (only pods labelled `sidecar.istio.io/inject: "true"` are).
 * The selectors and `injectedAnnotations` are empty, as in the upstream chart defaults; the
 * `templates` map carries the injection templates `sidecar` and `gateway` and the deployment-controller
 * templates `kube-gateway` (Gateway API class `istio`) and `waypoint` (ambient waypoints). The
 * `agentgateway` template is not carried: istiod 1.30 only registers its class with
 * `PILOT_ENABLE_AGENTGATEWAY=true`, which istio-pack does not set. The output is deterministic.
 */
export function buildInjectorConfig(b: Binder, v: InjectionValues): string {
  const config = {
    defaultTemplates: ['sidecar'],
    policy: b.choose(v.sidecarInjection.autoInjection, 'enabled', 'disabled'),
    alwaysInjectSelector: [],
    neverInjectSelector: [],
    injectedAnnotations: {},
    templates: {
      'sidecar': SIDECAR_TEMPLATE,
      'gateway': GATEWAY_TEMPLATE,
      'kube-gateway': KUBE_GATEWAY_TEMPLATE,
      'waypoint': WAYPOINT_TEMPLATE,
    },
  };
  return b.yaml(config);
}
