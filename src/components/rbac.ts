import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** Options of {@link clusterRoleWithBinding}. */
export interface ClusterRoleBindingOptions {
  /** ClusterRole name. */
  readonly name: string;
  /** Its rules. */
  readonly rules: ReadonlyArray<Record<string, unknown>> | ReadonlyArray<object>;
  /** The ServiceAccount bound to it. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /** Labels of both objects. */
  readonly labels: Record<string, string>;
  /** ClusterRoleBinding name. @default - the ClusterRole's name */
  readonly bindingName?: string;
}

/** A ClusterRole and the ClusterRoleBinding that grants it to one ServiceAccount (construct ids `<id>-role`, `<id>-binding`). */
export function clusterRoleWithBinding(scope: Construct, id: string, options: ClusterRoleBindingOptions): void {
  const { name, rules, serviceAccount, labels } = options;
  new ApiObject(scope, `${id}-role`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels },
    rules,
  });
  new ApiObject(scope, `${id}-binding`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: options.bindingName ?? name, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: serviceAccount.namespace }],
  });
}
