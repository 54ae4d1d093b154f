import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioBase } from '../components/base';
import { IstioGateway } from '../components/gateway';
import { Grafana } from '../components/grafana';
import { IstioCni } from '../components/istio-cni';
import { Istiod } from '../components/istiod';
import { Jaeger } from '../components/jaeger';
import { Kiali } from '../components/kiali';
import { IstioNamespace } from '../components/namespace';
import { Prometheus } from '../components/prometheus';
import { Ztunnel } from '../components/ztunnel';
import { IstioValues } from '../values/model';

/** Props of {@link IstioInstallation}. */
export interface IstioInstallationProps {
  /** Resolved values of the profile being synthesised. */
  readonly values: IstioValues;
  /**
   * Parsed CRD documents to emit instead of the generated ones (see {@link IstioBase}).
   * @default - generated structural CRDs
   */
  readonly crdDocuments?: ReadonlyArray<Record<string, any>>;
}

/**
 * Kubernetes Ingress objects get the address of `mesh.ingressService`: when this installation renders
 * ingress gateways, that Service must be one of them (a renamed gateway would otherwise leave Ingress
 * status pointing at nothing).
 */
function ingressServiceProblems(values: IstioValues, ingressServices: readonly string[]): string[] {
  const { ingressControllerMode, ingressService } = values.mesh;
  if (ingressControllerMode === 'OFF' || ingressServices.length === 0 || ingressServices.includes(ingressService)) return [];
  return [`mesh.ingressService: must name a rendered ingress gateway Service (${ingressServices.join(', ')}) or mesh.ingressControllerMode must be OFF, got ${JSON.stringify(ingressService)}`];
}

/** Argo CD sync waves: namespace and CRDs, then istiod and node agents, then gateways (their pods need the injector). */
const SYNC_WAVES = { namespace: '-2', base: '-1', istiod: '0', gateway: '1', addon: '1' };

/**
 * The components a profile's values turn on, one cdk8s Chart per output file:
 * `namespace`, `base`, `istiod`, `istio-cni`, `ztunnel`, one `istio-<gatewayName>` per enabled gateway,
 * and the addons (`prometheus`, `grafana`, `jaeger`, `kiali`).
 */
export class IstioInstallation extends Construct {
  /** The charts in apply order; each becomes `<chart id>.yaml`. */
  public readonly charts: Chart[] = [];
  private readonly syncWaves = new Map<Chart, string>();

  constructor(scope: Construct, id: string, props: IstioInstallationProps) {
    super(scope, id);
    const { values } = props;

    if (values.global.createNamespace) {
      new IstioNamespace(this.chart('namespace', SYNC_WAVES.namespace), 'namespace', { values });
    }
    if (values.base.enabled) {
      new IstioBase(this.chart('base', SYNC_WAVES.base), 'base', { values, crdDocuments: props.crdDocuments });
    }
    if (values.istiod.enabled) {
      new Istiod(this.chart('istiod', SYNC_WAVES.istiod), 'istiod', { values });
    }
    if (values.cni.enabled) {
      new IstioCni(this.chart('istio-cni', SYNC_WAVES.istiod), 'cni', { values });
    }
    if (values.ambient.enabled) {
      new Ztunnel(this.chart('ztunnel', SYNC_WAVES.istiod), 'ztunnel', { values });
    }
    const ingressServices: string[] = [];
    if (values.gateways.enabled) {
      for (const kind of ['ingress', 'egress'] as const) {
        for (const gateway of values.gateways[kind].filter((item) => item.enabled)) {
          const name = `istio-${gateway.gatewayName}`;
          new IstioGateway(this.chart(name, SYNC_WAVES.gateway), 'gateway', { values, gateway, kind });
          if (kind === 'ingress') ingressServices.push(name);
        }
      }
    }
    const addons = values.addons;
    if (addons.prometheus.enabled) new Prometheus(this.chart('prometheus', SYNC_WAVES.addon), 'prometheus', { values });
    if (addons.grafana.enabled) new Grafana(this.chart('grafana', SYNC_WAVES.addon), 'grafana', { values });
    if (addons.jaeger.enabled) new Jaeger(this.chart('jaeger', SYNC_WAVES.addon), 'jaeger', { values });
    if (addons.kiali.enabled) new Kiali(this.chart('kiali', SYNC_WAVES.addon), 'kiali', { values });
    this.node.addValidation({ validate: () => ingressServiceProblems(values, ingressServices) });
    this.annotateSyncWaves();
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
