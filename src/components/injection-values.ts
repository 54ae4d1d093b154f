/*
 * The values of the istio-pack model that the injection templates and istiod read, as one
 * structure (built from the resolved values by istiod.ts).
 */

/** Values of the istio-pack model that the injection templates and istiod consume. */
export interface InjectionValues {
  readonly global: {
    readonly hub: string;
    readonly tag: string;
    readonly imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
    readonly imagePullSecrets: readonly string[];
    readonly istioNamespace: string;
    /** Control-plane revision; '' is the default revision. */
    readonly revision: string;
    /** Cluster name; 'Kubernetes' by default. */
    readonly clusterId: string;
    /** Mesh ID; '' falls back to the trust domain. */
    readonly meshId: string;
    readonly network: string;
    readonly logAsJson: boolean;
    /** istiod and pilot-agent log levels (scope:level pairs), 'default:info' by default. */
    readonly logLevel: string;
    /** Image variant: '' or 'distroless'. */
    readonly variant: string;
    /** Kubernetes platform (upstream `global.platform`), '' for none. */
    readonly platform: string;
  };
  readonly mesh: { readonly trustDomain: string };
  readonly sidecarInjection: {
    readonly autoInjection: boolean;
    /** Inject namespaces without an injection label too (upstream `enableNamespacesByDefault`). */
    readonly allNamespaces: boolean;
    readonly proxy: {
      readonly resources: {
        readonly requests: { readonly cpu: string; readonly memory: string };
        readonly limits: { readonly cpu: string; readonly memory: string };
      };
      /** Envoy log level, 'warning' by default. */
      readonly logLevel: string;
      /** Envoy per-component log levels, 'misc:error' by default. */
      readonly componentLogLevel: string;
      readonly holdApplicationUntilProxyStarts: boolean;
      /** pilot-agent status port, 15020 by default. */
      readonly statusPort: number;
    };
  };
  readonly trafficCapture: {
    /** Outbound CIDRs to capture; ['*'] by default. */
    readonly includeIPRanges: readonly string[];
    readonly excludeIPRanges: readonly string[];
    /** Inbound ports to capture; ['*'] by default. */
    readonly includeInboundPorts: readonly string[];
    readonly excludeInboundPorts: readonly number[];
    readonly includeOutboundPorts: readonly number[];
    readonly excludeOutboundPorts: readonly number[];
  };
  readonly cni: {
    readonly enabled: boolean;
    /** CNI provider: 'multus' on OpenShift, else 'default' (upstream `pilot.cni.provider`). */
    readonly provider: string;
  };
  /** Extra istiod environment variables (upstream `pilot.env`; templates may read feature flags from it). */
  readonly istiod: { readonly env: Readonly<Record<string, string>> };
}
