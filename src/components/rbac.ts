import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { KubeClusterRole, KubeClusterRoleBinding } from './kube-objects';
import { PolicyRuleFacts } from './rbac-rules';

/** Options of {@link clusterRoleWithBinding}. */
export interface ClusterRoleBindingOptions {
  /** ClusterRole name. */
  readonly name: string;
  /** Its rules. */
  readonly rules: k8s.PolicyRule[];
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
  new KubeClusterRole(scope, `${id}-role`, {
    metadata: { name, labels },
    rules,
  });
  new KubeClusterRoleBinding(scope, `${id}-binding`, {
    metadata: { name: options.bindingName ?? name, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: serviceAccount.namespace }],
  });
}

/** A rule of the fact tables (API field names) as the typed L1 PolicyRule. */
export function policyRule(facts: PolicyRuleFacts): k8s.PolicyRule {
  return {
    ...(facts.apiGroups ? { apiGroups: [...facts.apiGroups] } : {}),
    ...(facts.resources ? { resources: [...facts.resources] } : {}),
    ...(facts.resourceNames ? { resourceNames: [...facts.resourceNames] } : {}),
    verbs: [...facts.verbs],
    ...(facts.nonResourceURLs ? { nonResourceUrLs: [...facts.nonResourceURLs] } : {}),
  };
}

/** The rules of a fact table as typed L1 PolicyRules. */
export function policyRules(facts: readonly PolicyRuleFacts[]): k8s.PolicyRule[] {
  return facts.map(policyRule);
}
