import { ValueIssue } from './schema';

/**
 * A rule across fields of one object of the values model. It is written once with both its
 * TypeScript check (used by `resolveValues`) and the template statements that make `helm install`
 * fail with the same message, so the chart and the generator reject the same values the same way.
 */
export interface CrossFieldRule<V = any> {
  /** Checks the resolved object; paths in the issues are relative to it. */
  check(value: V): ValueIssue[];
  /**
   * Template statements appending `"<path>: <message>"` strings to `$errors`.
   * @param object Go expression of the object (list items already have their defaults)
   * @param path Go expression of the object's value path ("" at the root)
   */
  template(object: string, path: string): string[];
}

/** Go expression of `path` + `.` + `key` (just `key` at the root). */
export function childPathExpression(path: string, key: string): string {
  if (path === '""') return JSON.stringify(key);
  if (path.startsWith('"')) return JSON.stringify(`${JSON.parse(path)}.${key}`);
  return `(printf "%s.${key}" ${path})`;
}

function appendError(path: string, key: string, format: string, ...args: string[]): string {
  const where = childPathExpression(path, key);
  return `{{- $errors = append $errors (printf ${JSON.stringify(`%s: ${format}`)} ${[where, ...args].join(' ')}) }}`;
}

/** `a` must be <= `b` (e.g. minReplicas <= maxReplicas). */
export function lessOrEqual(a: string, b: string): CrossFieldRule {
  return {
    check: (value) => (value[a] > value[b] ? [{ path: a, message: `must be <= ${b} (${value[b]}), got ${value[a]}` }] : []),
    template: (object, path) => [
      `{{- if gt (float64 ${object}.${a}) (float64 ${object}.${b}) }}`,
      appendError(path, a, `must be <= ${b} (%v), got %v`, `${object}.${b}`, `${object}.${a}`),
      '{{- end }}',
    ],
  };
}

/** A list that holds `*` must hold nothing else (`*` already means "all"). */
export function starAlone(field: string, noun: string): CrossFieldRule {
  return {
    check: (value) => (value[field].includes('*') && value[field].length > 1
      ? [{ path: field, message: `must be either ["*"] or a list of ${noun}, got ${JSON.stringify(value[field])}` }]
      : []),
    template: (object, path) => [
      `{{- if and (has "*" ${object}.${field}) (gt (len ${object}.${field}) 1) }}`,
      appendError(path, field, `must be either ["*"] or a list of ${noun}, got %s`, `(toJson ${object}.${field})`),
      '{{- end }}',
    ],
  };
}

/** When the boolean `field` is true, the boolean `required` must be true too. */
export function requiresTrue(field: string, required: string, reason: string): CrossFieldRule {
  const lookup = (object: string, dotted: string) => `${object}.${dotted}`;
  return {
    check: (value) => (get(value, field) === true && get(value, required) !== true
      ? [{ path: field, message: `needs ${required}: true (${reason}), got ${required} ${get(value, required)}` }]
      : []),
    template: (object, path) => [
      `{{- if and ${lookup(object, field)} (not ${lookup(object, required)}) }}`,
      appendError(path, field, `needs ${required}: true (${reason}), got ${required} %v`, lookup(object, required)),
      '{{- end }}',
    ],
  };
}

/** When the text `field` equals `equals`, the boolean `required` must be true. */
export function requiresTrueWhen(field: string, equals: string, required: string, reason: string): CrossFieldRule {
  const lookup = (object: string, dotted: string) => `${object}.${dotted}`;
  const message = `${equals} needs ${required}: true (${reason}), got ${required}`;
  return {
    check: (value) => (get(value, field) === equals && get(value, required) !== true
      ? [{ path: field, message: `${message} ${get(value, required)}` }]
      : []),
    template: (object, path) => [
      `{{- if and (eq ${lookup(object, field)} ${JSON.stringify(equals)}) (not ${lookup(object, required)}) }}`,
      appendError(path, field, `${message} %v`, lookup(object, required)),
      '{{- end }}',
    ],
  };
}

function get(value: any, dotted: string): unknown {
  return dotted.split('.').reduce((current, key) => current?.[key], value);
}

/** Service settings that only make sense for some Service types (one gateway item). */
export function gatewayServiceTypeRules(): CrossFieldRule {
  const needsExposed = 'needs serviceType NodePort or LoadBalancer';
  const needsLoadBalancer = 'needs serviceType LoadBalancer';
  return {
    check: (gw) => {
      const issues: ValueIssue[] = [];
      gw.ports.forEach((port: any, index: number) => {
        if (port.nodePort !== undefined && port.nodePort !== null && gw.serviceType === 'ClusterIP') {
          issues.push({ path: `ports[${index}].nodePort`, message: `${needsExposed}, got serviceType ClusterIP` });
        }
      });
      const lbOnly = gw.serviceType !== 'LoadBalancer';
      if (lbOnly && gw.loadBalancerIP !== '') issues.push({ path: 'loadBalancerIP', message: `${needsLoadBalancer}, got ${gw.serviceType}` });
      if (lbOnly && gw.loadBalancerSourceRanges.length > 0) issues.push({ path: 'loadBalancerSourceRanges', message: `${needsLoadBalancer}, got ${gw.serviceType}` });
      if (gw.serviceType === 'ClusterIP' && gw.externalTrafficPolicy !== '') issues.push({ path: 'externalTrafficPolicy', message: `${needsExposed}, got ClusterIP` });
      return issues;
    },
    template: (gw, path) => [
      `{{- range $portIndex, $port := ${gw}.ports }}`,
      `{{- if and $port.nodePort (eq ${gw}.serviceType "ClusterIP") }}`,
      `{{- $errors = append $errors (printf "%s.ports[%d].nodePort: ${needsExposed}, got serviceType ClusterIP" ${path} $portIndex) }}`,
      '{{- end }}',
      '{{- end }}',
      `{{- if and ${gw}.loadBalancerIP (ne ${gw}.serviceType "LoadBalancer") }}`,
      appendError(path, 'loadBalancerIP', `${needsLoadBalancer}, got %s`, `${gw}.serviceType`),
      '{{- end }}',
      `{{- if and ${gw}.loadBalancerSourceRanges (ne ${gw}.serviceType "LoadBalancer") }}`,
      appendError(path, 'loadBalancerSourceRanges', `${needsLoadBalancer}, got %s`, `${gw}.serviceType`),
      '{{- end }}',
      `{{- if and ${gw}.externalTrafficPolicy (eq ${gw}.serviceType "ClusterIP") }}`,
      appendError(path, 'externalTrafficPolicy', `${needsExposed}, got ClusterIP`),
      '{{- end }}',
    ],
  };
}

/** A gateway name may be used once across the ingress and the egress lists. */
export function uniqueGatewayNames(defaultIngressName: string, defaultEgressName: string): CrossFieldRule {
  return {
    check: (gateways) => {
      const firstUse = new Map<string, string>();
      const issues: ValueIssue[] = [];
      for (const kind of ['ingress', 'egress']) {
        gateways[kind].forEach((gw: any, index: number) => {
          const here = `${kind}[${index}].gatewayName`;
          const earlier = firstUse.get(gw.gatewayName);
          if (earlier && !earlier.startsWith(kind)) {
            issues.push({ path: here, message: `must be unique across ingress and egress gateways, ${JSON.stringify(gw.gatewayName)} is already used by gateways.${earlier}` });
          }
          if (!earlier) firstUse.set(gw.gatewayName, here);
        });
      }
      return issues;
    },
    template: (gateways) => [
      '{{- $ingressNames := dict }}',
      `{{- range $i, $gw := ${gateways}.ingress }}{{- $name := default ${JSON.stringify(defaultIngressName)} $gw.gatewayName }}{{- if not (hasKey $ingressNames $name) }}{{- $_ := set $ingressNames $name $i }}{{- end }}{{- end }}`,
      `{{- range $i, $gw := ${gateways}.egress }}`,
      `{{- $name := default ${JSON.stringify(defaultEgressName)} $gw.gatewayName }}`,
      '{{- if hasKey $ingressNames $name }}',
      '{{- $errors = append $errors (printf "gateways.egress[%d].gatewayName: must be unique across ingress and egress gateways, %s is already used by gateways.ingress[%v].gatewayName" $i (toJson $name) (get $ingressNames $name)) }}',
      '{{- end }}',
      '{{- end }}',
    ],
  };
}

/** When `strategy` is basic, users must come from exactly one of a Secret or values (Kiali login). */
export function kialiBasicAuthUsers(): CrossFieldRule {
  return {
    check: (auth) => (auth.strategy === 'basic' && auth.basic.htpasswdSecret.name === '' && auth.basic.htpasswd.length === 0
      ? [{ path: 'basic.htpasswdSecret.name', message: 'must name a Secret (or basic.htpasswd must list users) when strategy is basic, got none' }]
      : []),
    template: (auth, path) => [
      `{{- if and (eq ${auth}.strategy "basic") (not ${auth}.basic.htpasswdSecret.name) (not ${auth}.basic.htpasswd) }}`,
      appendError(path, 'basic.htpasswdSecret.name', 'must name a Secret (or basic.htpasswd must list users) when strategy is basic, got none'),
      '{{- end }}',
    ],
  };
}

/** Users come from a Secret or from values, not both. */
export function oneSourceOfUsers(): CrossFieldRule {
  return {
    check: (basic) => (basic.htpasswdSecret.name !== '' && basic.htpasswd.length > 0
      ? [{ path: 'htpasswd', message: 'must be empty when htpasswdSecret.name is set (choose one source of users), got 1 or more lines' }]
      : []),
    template: (basic, path) => [
      `{{- if and ${basic}.htpasswdSecret.name ${basic}.htpasswd }}`,
      appendError(path, 'htpasswd', 'must be empty when htpasswdSecret.name is set (choose one source of users), got 1 or more lines'),
      '{{- end }}',
    ],
  };
}

/**
 * Kubernetes Ingress objects get the address of `mesh.ingressService`: when ingress gateways are
 * rendered, it must be one of them (a renamed gateway would otherwise leave Ingress status pointing at
 * nothing). A root rule: it reads `mesh` and `gateways`.
 */
export function ingressServiceRendered(defaultIngressName: string): CrossFieldRule {
  return {
    check: (values) => {
      const { ingressControllerMode, ingressService } = values.mesh;
      if (!values.gateways.enabled || ingressControllerMode === 'OFF') return [];
      const services = values.gateways.ingress.filter((gw: any) => gw.enabled).map((gw: any) => `istio-${gw.gatewayName}`);
      if (services.length === 0 || services.includes(ingressService)) return [];
      return [{
        path: 'mesh.ingressService',
        message: `must name a rendered ingress gateway Service (${services.join(', ')}) or mesh.ingressControllerMode must be OFF, got ${JSON.stringify(ingressService)}`,
      }];
    },
    template: (values) => [
      `{{- if and ${values}.gateways.enabled (ne ${values}.mesh.ingressControllerMode "OFF") }}`,
      '{{- $services := list }}',
      `{{- range $gw := ${values}.gateways.ingress }}{{- if ne (toJson $gw.enabled) "false" }}{{- $services = append $services (printf "istio-%s" (default ${JSON.stringify(defaultIngressName)} $gw.gatewayName)) }}{{- end }}{{- end }}`,
      `{{- if and $services (not (has ${values}.mesh.ingressService $services)) }}`,
      `{{- $errors = append $errors (printf "mesh.ingressService: must name a rendered ingress gateway Service (%s) or mesh.ingressControllerMode must be OFF, got %s" (join ", " $services) (toJson ${values}.mesh.ingressService)) }}`,
      '{{- end }}',
      '{{- end }}',
    ],
  };
}

/**
 * A fixed nodePort may be used once across all rendered gateways (the API server refuses a second
 * Service with the same node port). Repeats within one gateway are the ports list's own uniqueness
 * check; this rule compares different gateways.
 */
export function uniqueNodePorts(): CrossFieldRule {
  return {
    check: (gateways) => {
      if (!gateways.enabled) return [];
      const firstUse = new Map<number, { path: string; gateway: string }>();
      const issues: ValueIssue[] = [];
      for (const kind of ['ingress', 'egress']) {
        gateways[kind].forEach((gw: any, gwIndex: number) => {
          if (!gw.enabled) return;
          const gateway = `${kind}[${gwIndex}]`;
          gw.ports.forEach((port: any, portIndex: number) => {
            if (port.nodePort === undefined) return;
            const here = `${gateway}.ports[${portIndex}].nodePort`;
            const earlier = firstUse.get(port.nodePort);
            if (earlier === undefined) firstUse.set(port.nodePort, { path: here, gateway });
            else if (earlier.gateway !== gateway) {
              issues.push({ path: here, message: `must be unique across gateways, ${port.nodePort} is already used by gateways.${earlier.path}` });
            }
          });
        });
      }
      return issues;
    },
    template: (gateways) => [
      `{{- if ${gateways}.enabled }}`,
      '{{- $nodePorts := dict }}',
      ...['ingress', 'egress'].flatMap((kind) => [
        `{{- range $gwIndex, $gw := ${gateways}.${kind} }}`,
        '{{- if ne (toJson $gw.enabled) "false" }}',
        '{{- range $portIndex, $port := $gw.ports }}',
        '{{- if not (kindIs "invalid" $port.nodePort) }}',
        '{{- $key := toJson $port.nodePort }}',
        `{{- $here := printf "${kind}[%d].ports[%d].nodePort" $gwIndex $portIndex }}`,
        '{{- $earlier := get $nodePorts $key }}',
        '{{- if not $earlier }}',
        `{{- $_ := set $nodePorts $key (dict "path" $here "gateway" (printf "${kind}[%d]" $gwIndex)) }}`,
        `{{- else if ne $earlier.gateway (printf "${kind}[%d]" $gwIndex) }}`,
        '{{- $errors = append $errors (printf "gateways.%s: must be unique across gateways, %s is already used by gateways.%s" $here $key $earlier.path) }}',
        '{{- end }}',
        '{{- end }}',
        '{{- end }}',
        '{{- end }}',
        '{{- end }}',
      ]),
      '{{- end }}',
    ],
  };
}

/**
 * A revision tag is another name for this control plane's revision, so it must not be the revision
 * name itself (istioctl refuses such a tag too: `istio.io/rev=<name>` would select two webhooks).
 * A root rule: it reads `global.revision` and `revisionTags`.
 */
export function tagsNotRevision(): CrossFieldRule {
  const message = (revision: string) => `must not equal global.revision (${revision}): a tag is an extra name for the revision`;
  return {
    check: (values) => {
      const revision: string = values.global.revision;
      if (revision === '') return [];
      return (values.revisionTags as string[]).flatMap((tag, index) => (tag === revision
        ? [{ path: `revisionTags[${index}]`, message: `${message(JSON.stringify(revision))}, got ${JSON.stringify(tag)}` }]
        : []));
    },
    template: (values) => [
      `{{- if ${values}.global.revision }}`,
      `{{- range $tagIndex, $tag := ${values}.revisionTags }}`,
      `{{- if eq $tag ${values}.global.revision }}`,
      `{{- $errors = append $errors (printf "revisionTags[%d]: ${message('%s')}, got %s" $tagIndex (toJson ${values}.global.revision) (toJson $tag)) }}`,
      '{{- end }}',
      '{{- end }}',
      '{{- end }}',
    ],
  };
}

/**
 * meshNamespaces label namespaces istio-pack does not own; the control-plane namespace is istio-pack's
 * own object (global.istioNamespace), so it cannot be listed there too. A root rule.
 */
export function meshNamespacesNotIstioNamespace(): CrossFieldRule {
  const message = 'must not be global.istioNamespace (%s): the control plane\'s namespace is not a workload namespace';
  return {
    check: (values) => (values.meshNamespaces as Array<{ name: string }>).flatMap((item, index) => (item.name === values.global.istioNamespace
      ? [{ path: `meshNamespaces[${index}].name`, message: message.replace('%s', JSON.stringify(values.global.istioNamespace)) }]
      : [])),
    template: (values) => [
      `{{- range $meshIndex, $meshNamespace := ${values}.meshNamespaces }}`,
      `{{- if eq (toString (get $meshNamespace "name")) (toString ${values}.global.istioNamespace) }}`,
      `{{- $errors = append $errors (printf "meshNamespaces[%d].name: ${message}" $meshIndex (toJson ${values}.global.istioNamespace)) }}`,
      '{{- end }}',
      '{{- end }}',
    ],
  };
}
