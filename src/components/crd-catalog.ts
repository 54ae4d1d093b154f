/**
 * Facts about the CustomResourceDefinitions shipped by Istio 1.30.3.
 *
 * Source: github.com/istio/istio, tag `1.30.3` (commit
 * 56df41f63e513f834c9a3af33d8aed82d1d961f2), file
 * `manifests/charts/base/files/crd-all.gen.yaml`. Only names, versions,
 * subresources and printer columns are recorded here; the OpenAPI schemas are
 * deliberately not reproduced (the generator emits structural schemas whose
 * `spec` and `status` preserve unknown fields).
 *
 * Metadata upstream puts on every CRD (kept out of the data on purpose):
 * - annotation `helm.sh/resource-policy: keep` on all 15 CRDs (Helm never
 *   deletes them on uninstall).
 * - raw-file labels `app: istio-pilot`, `chart: istio`, `heritage: Tiller`,
 *   `release: istio`; the security.istio.io CRDs additionally carry
 *   `istio: security`, and telemetries.telemetry.istio.io carries
 *   `istio: telemetry`.
 * - When the base chart templates the CRDs (`base.enableCRDTemplates`, default
 *   true) those labels are replaced wholesale by the chart's `istio.labels`
 *   (`app.kubernetes.io/managed-by`, `app.kubernetes.io/instance`,
 *   `app.kubernetes.io/part-of: istio`, `app.kubernetes.io/version`,
 *   `helm.sh/chart`); the annotation is kept. `base.excludedCRDs` drops CRDs
 *   by metadata.name.
 * - All CRDs are `apiextensions.k8s.io/v1`, Namespaced, with no
 *   `preserveUnknownFields`/conversion settings; no version is deprecated and
 *   no printer column sets a priority.
 *
 * The master branch (commit 86c9f01fd735fb01d8192f5bcaf0d424afb7f14c) has the
 * same facts as recorded here; only the embedded schemas differ.
 */

/** One printer column of a served CRD version. */
export interface CrdPrinterColumn {
  /** Column header shown by `kubectl get`. */
  readonly name: string;
  /** OpenAPI type of the column value. */
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** JSONPath (relative to the object) the value is read from. */
  readonly jsonPath: string;
  /** Human-readable description of the column, as upstream declares it. */
  readonly description?: string;
  /** Column priority; omitted means 0 (shown in the default view). */
  readonly priority?: number;
}

/** Facts about one version of a CRD, as declared by upstream. */
export interface CrdVersionFacts {
  /** Version name, e.g. `v1beta1`. */
  readonly name: string;
  /** Whether the API server serves this version. */
  readonly served: boolean;
  /** Whether this is the storage version (exactly one per CRD). */
  readonly storage: boolean;
  /** Whether upstream marks the version deprecated. */
  readonly deprecated?: boolean;
  /** Warning returned to clients using a deprecated version. */
  readonly deprecationWarning?: string;
  /** Whether the version enables the `status` subresource. */
  readonly statusSubresource: boolean;
  /** Additional printer columns, in upstream order. */
  readonly printerColumns: readonly CrdPrinterColumn[];
}

/** Facts about one Istio CustomResourceDefinition. */
export interface IstioCrdFacts {
  /** API group, e.g. `networking.istio.io`. */
  readonly group: string;
  /** Kind of the custom resource. */
  readonly kind: string;
  /** Kind of the list type. */
  readonly listKind: string;
  /** Plural resource name (first half of metadata.name). */
  readonly plural: string;
  /** Singular resource name. */
  readonly singular: string;
  /** Whether the resource is namespaced or cluster-wide. */
  readonly scope: 'Namespaced' | 'Cluster';
  /** kubectl short names. */
  readonly shortNames: readonly string[];
  /** kubectl categories. */
  readonly categories: readonly string[];
  /** Versions, in upstream's declared order. */
  readonly versions: readonly CrdVersionFacts[];
}

/**
 * Kubernetes' stock description of `metadata.creationTimestamp`, in the older
 * wording (link to git.k8s.io) that most Istio CRDs use for their Age column.
 */
const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC. Populated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md#metadata';

/**
 * The newer wording of the same description (Markdown link to the API
 * conventions page); only DestinationRule uses it in 1.30.3.
 */
const AGE_DESCRIPTION_MARKDOWN =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC. Populated by the system. Read-only. Null for lists. For more information, see [Kubernetes API Conventions](https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#metadata)';

/** The `Age` column (creation timestamp), older description wording. */
const AGE_COLUMN: CrdPrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: AGE_DESCRIPTION,
};

/** Printer columns shared by every AuthorizationPolicy version. */
const AUTHORIZATION_POLICY_COLUMNS: readonly CrdPrinterColumn[] = [
  {
    name: 'Action',
    type: 'string',
    jsonPath: '.spec.action',
    description: 'The operation to take.',
  },
  AGE_COLUMN,
];

/** Printer columns shared by every DestinationRule version. */
const DESTINATION_RULE_COLUMNS: readonly CrdPrinterColumn[] = [
  {
    name: 'Host',
    type: 'string',
    jsonPath: '.spec.host',
    description: 'The name of a service from the service registry',
  },
  {
    name: 'Age',
    type: 'date',
    jsonPath: '.metadata.creationTimestamp',
    description: AGE_DESCRIPTION_MARKDOWN,
  },
];

/** Printer columns shared by every PeerAuthentication version. */
const PEER_AUTHENTICATION_COLUMNS: readonly CrdPrinterColumn[] = [
  {
    name: 'Mode',
    type: 'string',
    jsonPath: '.spec.mtls.mode',
    description: 'Defines the mTLS mode used for peer authentication.',
  },
  AGE_COLUMN,
];

/** Printer columns shared by every ServiceEntry version. */
const SERVICE_ENTRY_COLUMNS: readonly CrdPrinterColumn[] = [
  {
    name: 'Hosts',
    type: 'string',
    jsonPath: '.spec.hosts',
    description: 'The hosts associated with the ServiceEntry',
  },
  {
    name: 'Location',
    type: 'string',
    jsonPath: '.spec.location',
    description:
      'Whether the service is external to the mesh or part of the mesh (MESH_EXTERNAL or MESH_INTERNAL)',
  },
  {
    name: 'Resolution',
    type: 'string',
    jsonPath: '.spec.resolution',
    description: 'Service resolution mode for the hosts (NONE, STATIC, or DNS)',
  },
  AGE_COLUMN,
];

/** Printer columns shared by every VirtualService version. */
const VIRTUAL_SERVICE_COLUMNS: readonly CrdPrinterColumn[] = [
  {
    name: 'Gateways',
    type: 'string',
    jsonPath: '.spec.gateways',
    description:
      'The names of gateways and sidecars that should apply these routes',
  },
  {
    name: 'Hosts',
    type: 'string',
    jsonPath: '.spec.hosts',
    description: 'The destination hosts to which traffic is being sent',
  },
  AGE_COLUMN,
];

/** Printer columns shared by every WorkloadEntry version (Age comes first). */
const WORKLOAD_ENTRY_COLUMNS: readonly CrdPrinterColumn[] = [
  AGE_COLUMN,
  {
    name: 'Address',
    type: 'string',
    jsonPath: '.spec.address',
    description: 'Address associated with the network endpoint.',
  },
];

/** Printer columns consisting only of the Age column. */
const AGE_ONLY_COLUMNS: readonly CrdPrinterColumn[] = [AGE_COLUMN];

/** No additional printer columns. */
const NO_COLUMNS: readonly CrdPrinterColumn[] = [];

/** The 15 CRDs of Istio 1.30.3, sorted by metadata.name (plural.group). */
export const ISTIO_CRDS: readonly IstioCrdFacts[] = [
  {
    group: 'security.istio.io',
    kind: 'AuthorizationPolicy',
    listKind: 'AuthorizationPolicyList',
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    scope: 'Namespaced',
    shortNames: ['ap'],
    categories: ['istio-io', 'security-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: AUTHORIZATION_POLICY_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: AUTHORIZATION_POLICY_COLUMNS,
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'DestinationRule',
    listKind: 'DestinationRuleList',
    plural: 'destinationrules',
    singular: 'destinationrule',
    scope: 'Namespaced',
    shortNames: ['dr'],
    categories: ['istio-io', 'networking-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: DESTINATION_RULE_COLUMNS,
      },
      {
        name: 'v1alpha3',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: DESTINATION_RULE_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: DESTINATION_RULE_COLUMNS,
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'EnvoyFilter',
    listKind: 'EnvoyFilterList',
    plural: 'envoyfilters',
    singular: 'envoyfilter',
    scope: 'Namespaced',
    shortNames: [],
    categories: ['istio-io', 'networking-istio-io'],
    versions: [
      {
        name: 'v1alpha3',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'Gateway',
    listKind: 'GatewayList',
    plural: 'gateways',
    singular: 'gateway',
    scope: 'Namespaced',
    shortNames: ['gw'],
    categories: ['istio-io', 'networking-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
      {
        name: 'v1alpha3',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
    ],
  },
  {
    group: 'security.istio.io',
    kind: 'PeerAuthentication',
    listKind: 'PeerAuthenticationList',
    plural: 'peerauthentications',
    singular: 'peerauthentication',
    scope: 'Namespaced',
    shortNames: ['pa'],
    categories: ['istio-io', 'security-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: PEER_AUTHENTICATION_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: PEER_AUTHENTICATION_COLUMNS,
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'ProxyConfig',
    listKind: 'ProxyConfigList',
    plural: 'proxyconfigs',
    singular: 'proxyconfig',
    scope: 'Namespaced',
    shortNames: [],
    categories: ['istio-io', 'networking-istio-io'],
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
    ],
  },
  {
    group: 'security.istio.io',
    kind: 'RequestAuthentication',
    listKind: 'RequestAuthenticationList',
    plural: 'requestauthentications',
    singular: 'requestauthentication',
    scope: 'Namespaced',
    shortNames: ['ra'],
    categories: ['istio-io', 'security-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'ServiceEntry',
    listKind: 'ServiceEntryList',
    plural: 'serviceentries',
    singular: 'serviceentry',
    scope: 'Namespaced',
    shortNames: ['se'],
    categories: ['istio-io', 'networking-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: SERVICE_ENTRY_COLUMNS,
      },
      {
        name: 'v1alpha3',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: SERVICE_ENTRY_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: SERVICE_ENTRY_COLUMNS,
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'Sidecar',
    listKind: 'SidecarList',
    plural: 'sidecars',
    singular: 'sidecar',
    scope: 'Namespaced',
    shortNames: [],
    categories: ['istio-io', 'networking-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
      {
        name: 'v1alpha3',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: NO_COLUMNS,
      },
    ],
  },
  {
    // The only CRD whose storage version is not the first one listed:
    // v1 is served, v1alpha1 remains the storage version.
    group: 'telemetry.istio.io',
    kind: 'Telemetry',
    listKind: 'TelemetryList',
    plural: 'telemetries',
    singular: 'telemetry',
    scope: 'Namespaced',
    shortNames: ['telemetry'],
    categories: ['istio-io', 'telemetry-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: AGE_ONLY_COLUMNS,
      },
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: AGE_ONLY_COLUMNS,
      },
    ],
  },
  {
    group: 'extensions.istio.io',
    kind: 'TrafficExtension',
    listKind: 'TrafficExtensionList',
    plural: 'trafficextensions',
    singular: 'trafficextension',
    scope: 'Namespaced',
    shortNames: [],
    categories: ['istio-io', 'extensions-istio-io'],
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: AGE_ONLY_COLUMNS,
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'VirtualService',
    listKind: 'VirtualServiceList',
    plural: 'virtualservices',
    singular: 'virtualservice',
    scope: 'Namespaced',
    shortNames: ['vs'],
    categories: ['istio-io', 'networking-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: VIRTUAL_SERVICE_COLUMNS,
      },
      {
        name: 'v1alpha3',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: VIRTUAL_SERVICE_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: VIRTUAL_SERVICE_COLUMNS,
      },
    ],
  },
  {
    group: 'extensions.istio.io',
    kind: 'WasmPlugin',
    listKind: 'WasmPluginList',
    plural: 'wasmplugins',
    singular: 'wasmplugin',
    scope: 'Namespaced',
    shortNames: [],
    categories: ['istio-io', 'extensions-istio-io'],
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: AGE_ONLY_COLUMNS,
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'WorkloadEntry',
    listKind: 'WorkloadEntryList',
    plural: 'workloadentries',
    singular: 'workloadentry',
    scope: 'Namespaced',
    shortNames: ['we'],
    categories: ['istio-io', 'networking-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: WORKLOAD_ENTRY_COLUMNS,
      },
      {
        name: 'v1alpha3',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: WORKLOAD_ENTRY_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: WORKLOAD_ENTRY_COLUMNS,
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'WorkloadGroup',
    listKind: 'WorkloadGroupList',
    plural: 'workloadgroups',
    singular: 'workloadgroup',
    scope: 'Namespaced',
    shortNames: ['wg'],
    categories: ['istio-io', 'networking-istio-io'],
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        statusSubresource: true,
        printerColumns: AGE_ONLY_COLUMNS,
      },
      {
        name: 'v1alpha3',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: AGE_ONLY_COLUMNS,
      },
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        statusSubresource: true,
        printerColumns: AGE_ONLY_COLUMNS,
      },
    ],
  },
];
