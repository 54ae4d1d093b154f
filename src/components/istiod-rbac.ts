import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { commonLabels, istiodName, withRevision } from './labels';
import {
  ISTIOD_CLUSTER_RULES,
  ISTIOD_GATEWAY_CONTROLLER_RULES,
  ISTIOD_NAMESPACE_RULES,
  ISTIO_READER_REMOTE_EXTRA_RULES,
  ISTIO_READER_RULES,
} from './rbac-rules';
import { clusterRoleWithBinding, policyRule, policyRules } from './rbac';
import { KubeRole, KubeRoleBinding, KubeServiceAccount } from './kube-objects';

/** Props of {@link IstiodRbac}. */
export interface IstiodRbacProps {
  /** Resolved values. */
  readonly values: IstioValues;
  /** Labels shared by the control-plane objects. */
  readonly labels: Record<string, string>;
}

/**
 * istiod's identity and permissions: ServiceAccount, ClusterRoles `istiod-clusterrole-<ns>` and
 * `istiod-gateway-controller-<ns>` with bindings, and the namespaced Role/RoleBinding `istiod`.
 */
export class IstiodRbac extends Construct {
  constructor(scope: Construct, id: string, props: IstiodRbacProps) {
    super(scope, id);
    const { values, labels } = props;
    const b = binderOf(this);
    const namespace = values.global.istioNamespace;
    const account = istiodName(b, values);

    new KubeServiceAccount(this, 'service-account', {
      metadata: { name: account, namespace, labels },
    });
    const subject = { kind: 'ServiceAccount', name: account, namespace };
    const serviceAccount = { name: account, namespace };
    clusterRoleWithBinding(this, 'clusterrole', { name: `${withRevision(b, values, 'istiod-clusterrole')}-${namespace}`, rules: policyRules(ISTIOD_CLUSTER_RULES), serviceAccount, labels });
    clusterRoleWithBinding(this, 'gateway-controller', { name: `${withRevision(b, values, 'istiod-gateway-controller')}-${namespace}`, rules: policyRules(ISTIOD_GATEWAY_CONTROLLER_RULES), serviceAccount, labels });

    new KubeRole(this, 'role', {
      metadata: { name: account, namespace, labels },
      rules: policyRules(ISTIOD_NAMESPACE_RULES),
    });
    new KubeRoleBinding(this, 'role-binding', {
      metadata: { name: account, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account },
      subjects: [subject],
    });
  }
}

/**
 * Read-only access for `istio-reader-service-account`, used by other clusters' istiods (multicluster
 * remote secrets) and tools. Remote clusters get the extra rules upstream's remote profile adds.
 */
export class IstioReaderRbac extends Construct {
  constructor(scope: Construct, id: string, props: { readonly values: IstioValues }) {
    super(scope, id);
    const { values } = props;
    const b = binderOf(this);
    const namespace = values.global.istioNamespace;
    const rules = b.flat<k8s.PolicyRule>(...policyRules(ISTIO_READER_RULES), ...ISTIO_READER_REMOTE_EXTRA_RULES.map((rule) => b.optional(values.remote.enabled, policyRule(rule))));
    const labels = { ...commonLabels(values), 'app': 'istio-reader', 'release': 'istio', 'app.kubernetes.io/name': 'istio-reader' };
    clusterRoleWithBinding(this, 'reader', {
      name: `${withRevision(b, values, 'istio-reader-clusterrole')}-${namespace}`,
      rules,
      serviceAccount: { name: 'istio-reader-service-account', namespace },
      labels,
    });
  }
}
