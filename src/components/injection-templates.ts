/*
 * Sidecar-injection configuration for istiod 1.30 (ConfigMap `istio-sidecar-injector`).
 *
 * istiod reads two keys of that ConfigMap:
 * - `config`: YAML unmarshalled into istiod's injection `Config` (policy, defaultTemplates, the
 *   always/never inject selectors, injectedAnnotations, aliases and the raw `templates`). Every
 *   template is parsed as a Go text/template with sprig's TxtFuncMap plus istiod's own helper
 *   functions (annotation, isset, excludeInboundPort, valueOrDefault, fromJSON, toYaml, ...).
 * - `values`: a JSON document in upstream's shape plus the istio-pack sections, read by istiod
 *   (as `.Values` and as its typed `Values` message), istioctl and custom templates (see
 *   injector-values.ts).
 *
 * The templates (one file each, re-exported here) are written for the istio-pack values shape
 * (`InjectionValues`), not for the upstream Helm values layout. They reproduce the behaviour of
 * upstream 1.30's `sidecar`, `gateway`, `grpc-simple` and `grpc-agent` injection templates, and of
 * the `kube-gateway` and `waypoint` templates that istiod's Gateway API deployment controller
 * renders from the same `config` key, for the settings istio-pack models; upstream knobs that
 * istio-pack does not model are rendered with the upstream chart defaults.
 *
 * The template text is data for istiod: nothing here is evaluated by TypeScript.
 */
export * from './injection-values';
export * from './sidecar-injection-template';
export * from './gateway-injection-template';
export * from './grpc-simple-template';
export * from './grpc-agent-template';
export * from './kube-gateway-template';
export * from './waypoint-template';
export * from './injector-config';
export * from './injector-values';
