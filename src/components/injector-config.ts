/*
 * The `config` key of ConfigMap `istio-sidecar-injector`.
 */
import { Binder } from '../values/binder';
import { toKubernetesYaml } from '../values/kubernetes-yaml';
import { GATEWAY_TEMPLATE } from './gateway-injection-template';
import { GRPC_AGENT_TEMPLATE } from './grpc-agent-template';
import { GRPC_SIMPLE_TEMPLATE } from './grpc-simple-template';
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
 * `templates` map carries upstream's injection templates `sidecar`, `gateway`, `grpc-simple` and
 * `grpc-agent` and the deployment-controller templates `kube-gateway` (Gateway API class `istio`)
 * and `waypoint` (ambient waypoints). Upstream's `agentgateway` template is not carried: istiod 1.30
 * only registers the `agentgateway` GatewayClass with `PILOT_ENABLE_AGENTGATEWAY=true` (off by
 * default, an experimental data plane with its own image), so without that flag the template is
 * never read; with it, Gateways of that class are not deployed (istiod logs
 * `no "agentgateway" template defined`). The output is deterministic.
 */
export function buildInjectorConfig(b: Binder, v: InjectionValues): string {
  // Everything but the policy is fixed text, written once (templates as readable block scalars) and
  // completed with the policy: dist/ and the chart then carry the same bytes, which Go's YAML reads
  // as written (test/chart-parity.test.ts decodes it with sigs.k8s.io/yaml).
  return INJECTOR_CONFIG_TEXT.replace(POLICY_PLACEHOLDER, b.choose(v.sidecarInjection.autoInjection, 'enabled', 'disabled'));
}

const POLICY_PLACEHOLDER = 'istio-pack-injection-policy';

const INJECTOR_CONFIG_TEXT = toKubernetesYaml({
  defaultTemplates: ['sidecar'],
  policy: POLICY_PLACEHOLDER,
  alwaysInjectSelector: [],
  neverInjectSelector: [],
  injectedAnnotations: {},
  templates: {
    'sidecar': SIDECAR_TEMPLATE,
    'gateway': GATEWAY_TEMPLATE,
    'grpc-simple': GRPC_SIMPLE_TEMPLATE,
    'grpc-agent': GRPC_AGENT_TEMPLATE,
    'kube-gateway': KUBE_GATEWAY_TEMPLATE,
    'waypoint': WAYPOINT_TEMPLATE,
  },
}, { sortKeys: true });
