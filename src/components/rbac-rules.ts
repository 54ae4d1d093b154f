/*
 * RBAC rule data for the Istio 1.30.3 control plane, ingress/egress gateways and CNI node agent.
 *
 * Each constant lists the PolicyRules that the upstream Helm charts (tag 1.30.3) emit when installed
 * with their built-in default values: no revision, release namespace istio-system, no profile and no
 * platform override. Rules guarded by a values toggle that is off by default are not part of the
 * default lists; they are exported on their own, and each JSDoc names the toggle that adds them.
 * Unless noted otherwise, an optional rule is placed by the chart right after the rule named in its
 * JSDoc, so a consumer enabling it can splice it back into the same position.
 *
 * This module is data only: it has no imports and no runtime behaviour.
 */

/** A Kubernetes RBAC PolicyRule. */
export interface PolicyRuleFacts {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** API groups that hold Istio's own configuration kinds (read by istiod and istio-reader). */
const ISTIO_CONFIG_API_GROUPS: readonly string[] = [
  'config.istio.io',
  'security.istio.io',
  'networking.istio.io',
  'authentication.istio.io',
  'rbac.istio.io',
  'telemetry.istio.io',
  'extensions.istio.io',
];

/** Full read/write verb set used for objects istiod owns (workload entries, status, gateway deployments). */
const MANAGE_VERBS: readonly string[] = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];

/** Default multicluster-services API group (`env.MCS_API_GROUP` unset). */
const MCS_API_GROUP = 'multicluster.x-k8s.io';

// ---------------------------------------------------------------------------------------------
// istiod chart (istio-control/istio-discovery)
// ---------------------------------------------------------------------------------------------

/**
 * Rules of ClusterRole `istiod-clusterrole-istio-system` (istiod chart, templates/clusterrole.yaml),
 * as rendered with default values. The object is emitted when `global.resourceScope` is `all` or
 * `cluster` (default `all`) and istiod is local (`istiodRemote.enabled` false, the default).
 */
export const ISTIOD_CLUSTER_RULES: readonly PolicyRuleFacts[] = [
  // Sidecar injector webhook patching.
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations'],
    verbs: ['get', 'list', 'watch', 'update', 'patch'],
  },
  // Validation webhook controller.
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations'],
    verbs: ['get', 'list', 'watch', 'update'],
  },
  // Read access to every Istio config kind (kept broad for older control planes sharing the cluster).
  {
    apiGroups: ISTIO_CONFIG_API_GROUPS,
    verbs: ['get', 'watch', 'list'],
    resources: ['*'],
  },
  // Workload auto-registration and status writers.
  {
    apiGroups: ['networking.istio.io'],
    verbs: MANAGE_VERBS,
    resources: ['workloadentries'],
  },
  {
    apiGroups: ['networking.istio.io'],
    verbs: MANAGE_VERBS,
    resources: ['workloadentries/status', 'serviceentries/status'],
  },
  {
    apiGroups: ['security.istio.io'],
    verbs: MANAGE_VERBS,
    resources: ['authorizationpolicies/status'],
  },
  {
    apiGroups: [''],
    verbs: MANAGE_VERBS,
    resources: ['services/status'],
  },
  // CRD presence detection.
  {
    apiGroups: ['apiextensions.k8s.io'],
    resources: ['customresourcedefinitions'],
    verbs: ['get', 'list', 'watch'],
  },
  // Service discovery.
  {
    apiGroups: [''],
    resources: ['pods', 'nodes', 'services', 'namespaces', 'endpoints'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['discovery.k8s.io'],
    resources: ['endpointslices'],
    verbs: ['get', 'list', 'watch'],
  },
  // Kubernetes Ingress support.
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses', 'ingressclasses'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses/status'],
    verbs: ['*'],
  },
  // Root-cert ConfigMap distribution by the namespace controller.
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['create', 'get', 'list', 'watch', 'update'],
  },
  // JWT / token validation.
  {
    apiGroups: ['authentication.k8s.io'],
    resources: ['tokenreviews'],
    verbs: ['create'],
  },
  // Gateway SDS authorization checks.
  {
    apiGroups: ['authorization.k8s.io'],
    resources: ['subjectaccessreviews'],
    verbs: ['create'],
  },
  // Gateway API (standard and experimental groups).
  {
    apiGroups: ['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'],
    resources: ['*'],
    verbs: ['get', 'watch', 'list'],
  },
  {
    apiGroups: ['gateway.networking.x-k8s.io'],
    resources: ['xbackendtrafficpolicies/status'],
    verbs: ['update', 'patch'],
  },
  {
    apiGroups: ['gateway.networking.k8s.io'],
    resources: [
      'backendtlspolicies/status',
      'gatewayclasses/status',
      'gateways/status',
      'grpcroutes/status',
      'httproutes/status',
      'referencegrants/status',
      'tcproutes/status',
      'tlsroutes/status',
      'udproutes/status',
      'listenersets/status',
    ],
    verbs: ['update', 'patch'],
  },
  {
    apiGroups: ['gateway.networking.k8s.io'],
    resources: ['gatewayclasses'],
    verbs: ['create', 'update', 'patch', 'delete'],
  },
  // Gateway API inference extension.
  {
    apiGroups: ['inference.networking.k8s.io'],
    resources: ['inferencepools'],
    verbs: ['get', 'watch', 'list'],
  },
  {
    apiGroups: ['inference.networking.k8s.io'],
    resources: ['inferencepools/status'],
    verbs: ['update', 'patch'],
  },
  // Remote-cluster secrets and credentials.
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['get', 'watch', 'list'],
  },
  // Multicluster services (MCS) export/import.
  {
    apiGroups: [MCS_API_GROUP],
    resources: ['serviceexports'],
    verbs: ['get', 'watch', 'list', 'create', 'delete'],
  },
  {
    apiGroups: [MCS_API_GROUP],
    resources: ['serviceimports'],
    verbs: ['get', 'watch', 'list'],
  },
];

/**
 * Extra rule of ClusterRole `istiod-clusterrole-istio-system`, only when
 * `global.istiod.enableAnalysis` is true (default false); placed right after the `*` read rule on
 * the Istio config groups.
 */
export const ISTIOD_ANALYSIS_WRITE_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: ISTIO_CONFIG_API_GROUPS,
    verbs: ['update', 'patch'],
    resources: [
      'authorizationpolicies/status',
      'destinationrules/status',
      'envoyfilters/status',
      'gateways/status',
      'peerauthentications/status',
      'proxyconfigs/status',
      'requestauthentications/status',
      'serviceentries/status',
      'sidecars/status',
      'telemetries/status',
      'virtualservices/status',
      'wasmplugins/status',
      'workloadentries/status',
      'workloadgroups/status',
    ],
  },
];

/**
 * Extra rules of ClusterRole `istiod-clusterrole-istio-system`, only when
 * `global.istiod.enableAnalysis` is true (default false); placed right before the default
 * `networking.k8s.io` ingresses/ingressclasses rule.
 */
export const ISTIOD_ANALYSIS_INGRESS_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: ['extensions', 'networking.k8s.io'],
    resources: ['ingresses'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['extensions', 'networking.k8s.io'],
    resources: ['ingresses/status'],
    verbs: ['*'],
  },
];

/**
 * Extra rule of ClusterRole `istiod-clusterrole-istio-system`, only when `taint.enabled` is true
 * (default false; the node-untaint controller); placed right after the `endpointslices` rule.
 */
export const ISTIOD_TAINT_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: [''],
    resources: ['nodes'],
    verbs: ['patch'],
  },
];

/**
 * Extra rules of ClusterRole `istiod-clusterrole-istio-system`, only when `env.EXTERNAL_CA` is set
 * or `global.pilotCertProvider` is not one of `istiod`, `custom`, `none` (default `istiod`, so off);
 * placed right after the `configmaps` rule. Upstream fills the `signers` rule's `resourceNames`
 * from `global.certSigners` (default empty, which renders the field as null, i.e. omitted); a
 * consumer enabling this should add `resourceNames` from its own signer list.
 */
export const ISTIOD_EXTERNAL_CA_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: ['certificates.k8s.io'],
    resources: [
      'certificatesigningrequests',
      'certificatesigningrequests/approval',
      'certificatesigningrequests/status',
    ],
    verbs: ['update', 'create', 'get', 'delete', 'watch'],
  },
  {
    apiGroups: ['certificates.k8s.io'],
    resources: ['signers'],
    verbs: ['approve'],
  },
];

/**
 * Extra rules of ClusterRole `istiod-clusterrole-istio-system`, only when
 * `env.ENABLE_CLUSTER_TRUST_BUNDLE_API` is the boolean true (default unset, so off); placed after
 * the external-CA rules, i.e. right before the `tokenreviews` rule.
 */
export const ISTIOD_CLUSTER_TRUST_BUNDLE_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: ['certificates.k8s.io'],
    resources: ['clustertrustbundles'],
    verbs: ['update', 'create', 'delete', 'list', 'watch', 'get'],
  },
  {
    apiGroups: ['certificates.k8s.io'],
    resources: ['signers'],
    resourceNames: ['istio.io/istiod-ca'],
    verbs: ['attest'],
  },
];

/**
 * Rules of ClusterRole `istiod-gateway-controller-istio-system` (istiod chart,
 * templates/clusterrole.yaml). Rendered by default: the object is skipped only when
 * `env.PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER` is the string/boolean `false` (default unset).
 * Shares the scope/remote guards of `istiod-clusterrole-istio-system`.
 */
export const ISTIOD_GATEWAY_CONTROLLER_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: ['apps'],
    verbs: MANAGE_VERBS,
    resources: ['deployments'],
  },
  {
    apiGroups: ['autoscaling'],
    verbs: MANAGE_VERBS,
    resources: ['horizontalpodautoscalers'],
  },
  {
    apiGroups: ['policy'],
    verbs: MANAGE_VERBS,
    resources: ['poddisruptionbudgets'],
  },
  {
    apiGroups: [''],
    verbs: MANAGE_VERBS,
    resources: ['services'],
  },
  {
    apiGroups: [''],
    verbs: MANAGE_VERBS,
    resources: ['serviceaccounts'],
  },
];

/**
 * Rules of ClusterRole `istio-reader-clusterrole-istio-system` (istiod chart,
 * templates/reader-clusterrole.yaml), local-istiod variant. Emitted when `global.resourceScope` is
 * `all`/`cluster` and `global.enableReaderRBAC` is not false (both the default).
 */
export const ISTIO_READER_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: ISTIO_CONFIG_API_GROUPS,
    resources: ['*'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: [''],
    resources: [
      'endpoints',
      'pods',
      'services',
      'nodes',
      'replicationcontrollers',
      'namespaces',
      'secrets',
      'configmaps',
    ],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['networking.istio.io'],
    verbs: ['get', 'watch', 'list'],
    resources: ['workloadentries'],
  },
  {
    apiGroups: ['networking.x-k8s.io', 'gateway.networking.k8s.io'],
    resources: ['gateways'],
    verbs: ['get', 'watch', 'list'],
  },
  {
    apiGroups: ['apiextensions.k8s.io'],
    resources: ['customresourcedefinitions'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['discovery.k8s.io'],
    resources: ['endpointslices'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: [MCS_API_GROUP],
    resources: ['serviceexports'],
    verbs: ['get', 'list', 'watch', 'create', 'delete'],
  },
  {
    apiGroups: [MCS_API_GROUP],
    resources: ['serviceimports'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['apps'],
    resources: ['replicasets'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['authentication.k8s.io'],
    resources: ['tokenreviews'],
    verbs: ['create'],
  },
  {
    apiGroups: ['authorization.k8s.io'],
    resources: ['subjectaccessreviews'],
    verbs: ['create'],
  },
];

/**
 * Extra rules appended (at the end) to ClusterRole `istio-reader-clusterrole-istio-system` only
 * when `istiodRemote.enabled` is true (the `remote` profile; default false).
 */
export const ISTIO_READER_REMOTE_EXTRA_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['create', 'get', 'list', 'watch', 'update'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations'],
    verbs: ['get', 'list', 'watch', 'update', 'patch'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations'],
    verbs: ['get', 'list', 'watch', 'update'],
  },
];

/**
 * Rules of Role `istiod` in namespace istio-system (istiod chart, templates/role.yaml). Emitted when
 * `global.resourceScope` is `all`/`namespace` and istiod is local (both the default).
 */
export const ISTIOD_NAMESPACE_RULES: readonly PolicyRuleFacts[] = [
  // Dry-run create used to confirm the validation webhook rejects bad config.
  {
    apiGroups: ['networking.istio.io'],
    verbs: ['create'],
    resources: ['gateways'],
  },
  // Self-signed CA secret storage.
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['create', 'get', 'watch', 'list', 'update', 'delete'],
  },
  // Cleanup of the status distribution-report ConfigMap.
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['delete'],
  },
  // Leader election.
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'update', 'patch', 'create'],
  },
];

// ---------------------------------------------------------------------------------------------
// Legacy gateway charts (gateways/istio-ingress, gateways/istio-egress)
// ---------------------------------------------------------------------------------------------

/**
 * Rules of Role `istio-ingressgateway-sds` (gateways/istio-ingress chart, templates/role.yaml),
 * rendered unconditionally in the release namespace. The egress chart's Role
 * `istio-egressgateway-sds` has the identical rule list.
 */
export const GATEWAY_SDS_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['get', 'watch', 'list'],
  },
];

// ---------------------------------------------------------------------------------------------
// istio-cni chart
// ---------------------------------------------------------------------------------------------

/**
 * Rules of ClusterRole `istio-cni` (istio-cni chart, templates/clusterrole.yaml), non-OpenShift.
 * Emitted when `global.resourceScope` is `all`/`cluster` (default `all`).
 */
export const ISTIO_CNI_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: [''],
    resources: ['pods', 'nodes', 'namespaces'],
    verbs: ['get', 'list', 'watch'],
  },
];

/**
 * Extra rule appended to ClusterRole `istio-cni` only when `platform` / `global.platform` is
 * `openshift` (default unset).
 */
export const ISTIO_CNI_OPENSHIFT_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: ['security.openshift.io'],
    resources: ['securitycontextconstraints'],
    resourceNames: ['privileged'],
    verbs: ['use'],
  },
];

/**
 * Rules of ClusterRole `istio-cni-repair-role` (istio-cni chart), emitted when `repair.enabled` is
 * true (default true), for the default repair mode `repair.repairPods: true`, which adds no
 * further rules.
 */
export const ISTIO_CNI_REPAIR_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: [''],
    resources: ['events'],
    verbs: ['create', 'patch'],
  },
  {
    apiGroups: [''],
    resources: ['pods'],
    verbs: ['watch', 'get', 'list'],
  },
];

/**
 * Extra rule appended to ClusterRole `istio-cni-repair-role` only when `repair.repairPods` is false
 * and `repair.deletePods` is true (defaults: repairPods true, deletePods false).
 */
export const ISTIO_CNI_REPAIR_DELETE_PODS_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: [''],
    resources: ['pods'],
    verbs: ['delete'],
  },
];

/**
 * Extra rule appended to ClusterRole `istio-cni-repair-role` only when `repair.repairPods` and
 * `repair.deletePods` are false and `repair.labelPods` is true (default labelPods false).
 */
export const ISTIO_CNI_REPAIR_LABEL_PODS_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: [''],
    resources: ['pods/status'],
    verbs: ['patch', 'update'],
  },
];

/**
 * Rules of ClusterRole `istio-cni-ambient` (istio-cni chart). The whole ClusterRole is only
 * emitted when `ambient.enabled` is true (default false; set by the `ambient` profile), so it is
 * absent from a plain default install.
 */
export const ISTIO_CNI_AMBIENT_RULES: readonly PolicyRuleFacts[] = [
  {
    apiGroups: [''],
    resources: ['pods/status'],
    verbs: ['patch', 'update'],
  },
  {
    apiGroups: ['apps'],
    resources: ['daemonsets'],
    resourceNames: ['istio-cni-node'],
    verbs: ['get'],
  },
];
