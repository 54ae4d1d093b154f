import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioBase } from '../components/base';
import { IstioGateway } from '../components/gateway';
import { Grafana } from '../components/grafana';
import { IstioCni } from '../components/istio-cni';
import { Istiod } from '../components/istiod';
import { Jaeger } from '../components/jaeger';
import { Kiali } from '../components/kiali';
import { MeshMtlsPolicy } from '../components/mesh-mtls';
import { MeshNamespaces } from '../components/mesh-namespaces';
import { MultiClusterExposure } from '../components/multicluster';
import { IstioNamespace } from '../components/namespace';
import { Prometheus } from '../components/prometheus';
import { Ztunnel } from '../components/ztunnel';
import { Binder, binderOf, useBinder } from '../values/binder';
import { IstioValues } from '../values/model';

/** Props of {@link IstioInstallation}. */
export interface IstioInstallationProps {
  /** Resolved values of the profile being synthesised (symbolic `.Values` in template mode). */
  readonly values: IstioValues;
  /**
   * Parsed CRD documents to emit instead of the generated ones (see {@link IstioBase}).
   * @default - generated structural CRDs
   */
  readonly crdDocuments?: ReadonlyArray<Record<string, any>>;
  /**
   * How values become manifests: concrete objects for dist/, or a Helm template for charts/.
   * @default - concrete
   */
  readonly binder?: Binder;
}

/** Argo CD sync waves: namespace and CRDs, then istiod and node agents, then gateways (their pods need the injector). */
const SYNC_WAVES = { namespace: '-2', base: '-1', istiod: '0', gateway: '1', addon: '1' };

/**
 * The components a profile's values turn on, one cdk8s Chart per output file: `namespace`, `base`,
 * `istiod`, `istio-cni`, `ztunnel`, the gateways and the addons (`prometheus`, `grafana`, `jaeger`,
 * `kiali`). In dist/ each enabled gateway gets its own `istio-<gatewayName>` file; in the Helm chart one
 * template per list (`gateways-ingress`, `gateways-egress`) ranges over the gateways. The namespace is a
 * dist/ concern only: Helm creates it (`--create-namespace`).
 */
export class IstioInstallation extends Construct {
  /** The charts in apply order; each becomes `<chart id>.yaml`. */
  public readonly charts: Chart[] = [];
  private readonly syncWaves = new Map<Chart, string>();
  private readonly binder: Binder;

  constructor(scope: Construct, id: string, props: IstioInstallationProps) {
    super(scope, id);
    if (props.binder) useBinder(this, props.binder);
    const b = binderOf(this);
    this.binder = b;
    const { values } = props;
    const concrete = b.mode === 'concrete';

    if (concrete && values.global.createNamespace) {
      new IstioNamespace(this.chart('namespace', SYNC_WAVES.namespace), 'namespace', { values });
    }
    this.component('base', SYNC_WAVES.base, values.base.enabled, (chart) => new IstioBase(chart, 'base', { values, crdDocuments: props.crdDocuments }));
    this.component('istiod', SYNC_WAVES.istiod, values.istiod.enabled, (chart) => new Istiod(chart, 'istiod', { values }));
    this.component('istio-cni', SYNC_WAVES.istiod, values.cni.enabled, (chart) => new IstioCni(chart, 'cni', { values }));
    this.component('ztunnel', SYNC_WAVES.istiod, values.ambient.enabled, (chart) => new Ztunnel(chart, 'ztunnel', { values }));

    for (const kind of ['ingress', 'egress'] as const) {
      const gateways = values.gateways[kind];
      if (concrete) {
        if (!values.gateways.enabled) continue;
        for (const gateway of gateways.filter((item) => item.enabled)) {
          const name = `istio-${gateway.gatewayName}`;
          new IstioGateway(this.chart(name, SYNC_WAVES.gateway), 'gateway', { values, gateway, kind });
        }
      } else {
        const chart = this.chart(`gateways-${kind}`, SYNC_WAVES.gateway);
        b.whenBuild(chart, values.gateways.enabled, () => b.eachBuild(chart, gateways, (gateway, itemId) => {
          new IstioGateway(chart, `${kind}-${itemId}`, { values, gateway, kind });
        }, { where: (gateway) => gateway.enabled }));
      }
    }

    // Istio configuration, validated by istiod's webhook: after the control plane (sync wave of the gateways).
    this.component('mesh-policy', SYNC_WAVES.gateway, MeshMtlsPolicy.isRendered(b, values), (chart) => new MeshMtlsPolicy(chart, 'mtls', { values }));

    // Istio resources: they need the CRDs and istiod's validation webhook, so they come with the gateways.
    this.component('multicluster', SYNC_WAVES.gateway, b.or(values.multiCluster.exposeServices, values.multiCluster.exposeIstiod),
      (chart) => new MultiClusterExposure(chart, 'multicluster', { values }));

    // Workload namespaces join the mesh once istiod (their injector) runs. dist/ only: Helm refuses to
    // change objects it did not create, and would delete the ones it did.
    if (concrete && values.meshNamespaces.length > 0) {
      new MeshNamespaces(this.chart('mesh-namespaces', SYNC_WAVES.gateway), 'mesh-namespaces', { values });
    }

    const addons = values.addons;
    this.component('prometheus', SYNC_WAVES.addon, addons.prometheus.enabled, (chart) => new Prometheus(chart, 'prometheus', { values }));
    this.component('grafana', SYNC_WAVES.addon, addons.grafana.enabled, (chart) => new Grafana(chart, 'grafana', { values }));
    this.component('jaeger', SYNC_WAVES.addon, addons.jaeger.enabled, (chart) => new Jaeger(chart, 'jaeger', { values }));
    this.component('kiali', SYNC_WAVES.addon, addons.kiali.enabled, (chart) => new Kiali(chart, 'kiali', { values }));
    this.annotateSyncWaves();
    // In dist/ object names are known: two objects of one name would make `kubectl kustomize` fail and
    // the later apply replace the earlier. (The chart cannot name them; the values model refuses the
    // gateway names that would collide, and test/object-names.test.ts keeps that list complete.)
    if (concrete) this.node.addValidation({ validate: () => duplicateObjects(this) });
  }

  /** A component in its own chart: only when enabled in dist/, always (inside an `if`) in the Helm chart. */
  private component(id: string, syncWave: string, enabled: boolean, build: (chart: Chart) => void): void {
    if (this.binder.mode === 'concrete') {
      if (enabled) build(this.chart(id, syncWave));
      return;
    }
    const chart = this.chart(id, syncWave);
    this.binder.whenBuild(chart, enabled, () => build(chart));
  }

  private chart(id: string, syncWave: string): Chart {
    const chart = new Chart(this, id, { disableResourceNameHashes: true });
    this.charts.push(chart);
    this.syncWaves.set(chart, syncWave);
    return chart;
  }

  /** Annotates every object with its chart's Argo CD sync wave (ignored by other tools). */
  private annotateSyncWaves(): void {
    for (const chart of this.charts) {
      const wave = this.syncWaves.get(chart) as string;
      for (const child of chart.node.findAll()) {
        if (ApiObject.isApiObject(child)) child.metadata.addAnnotation('argocd.argoproj.io/sync-wave', wave);
      }
    }
  }
}

/** One message per kind/namespace/name used by more than one object below `scope`. */
export function duplicateObjects(scope: Construct): string[] {
  const firstPath = new Map<string, string>();
  const messages: string[] = [];
  for (const object of scope.node.findAll().filter(ApiObject.isApiObject)) {
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : 'core';
    const key = `${object.kind}.${group} ${object.metadata.namespace ?? ''}/${object.name}`;
    const earlier = firstPath.get(key);
    if (earlier === undefined) firstPath.set(key, object.node.path);
    else messages.push(`${key} is rendered twice, by ${earlier} and by ${object.node.path}: rename one of them`);
  }
  return messages;
}
