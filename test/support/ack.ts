/** The ACK console's gateway block (seed 002), pasted as is. */
export const ACK_INGRESS = {
  enabled: true,
  gatewayName: 'ingressgateway',
  maxReplicas: 5,
  minReplicas: 1,
  ports: [
    { name: 'status-port', port: 15020, targetPort: 15020 },
    { name: 'http2', nodePort: 31380, port: 80, targetPort: 80 },
    { name: 'https', nodePort: 31390, port: 443, targetPort: 0 },
    { name: 'tls', port: 15443, targetPort: 15443 },
  ],
  replicaCount: 1,
  serviceType: 'LoadBalancer',
};
