// Clusters beyond the deletes rules/dev.ts judges: taking nodes and
// workloads out of service, and Helm releases.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

const KUBECTL = ["kubectl", "oc", "k3s", "microk8s.kubectl"];
const KGLOBAL = ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server", "--token", "-l", "--selector", "-o", "--output", "-f", "--filename", "-c", "--container", "--as", "--request-timeout"];

export const kubernetes: Pack = {
  name: "kubernetes",
  description: "Kubernetes clusters: nodes, workloads, namespaces, Helm releases",
  rules: [
    rule("kubernetes.node-out", "high", "takes a node out of service: its workloads are evicted or no longer scheduled",
      { program: KUBECTL, valued: KGLOBAL, sub: ["drain|cordon|taint"] },
      ["kubectl drain node-1 --ignore-daemonsets", "kubectl cordon node-1", "kubectl taint nodes n1 key=v:NoExecute", "kubectl --context prod drain n2 --force"],
      ["kubectl uncordon node-1", "kubectl get nodes", "kubectl drain node-1 --dry-run=client"]),
    rule("kubernetes.scale-to-zero", "high", "scales a workload to zero replicas: the service stops",
      { program: KUBECTL, valued: KGLOBAL, sub: ["scale"], option: { names: ["--replicas"], value: "0+" } },
      ["kubectl scale deploy web --replicas=0 -n prod", "kubectl scale --replicas=0 statefulset/db", "kubectl scale deployment --all --replicas=0", "kubectl scale statefulset db --replicas 0"], ["kubectl scale deploy web --replicas=3"]),
    rule("kubernetes.patch-to-zero", "high", "patches a workload to zero replicas: the service stops",
      { program: KUBECTL, valued: KGLOBAL, sub: ["patch"], word: '.*"?replicas"?\\s*:\\s*0\\b.*' },
      ["kubectl patch deploy web -p '{\"spec\":{\"replicas\":0}}'", "kubectl patch sts db --type merge -p '{\"spec\": {\"replicas\": 0}}'"], ["kubectl patch deploy web -p '{\"spec\":{\"replicas\":3}}'"]),
    rule("kubernetes.delete-by-selector", "high", "deletes every matching resource across the namespace or cluster",
      { program: KUBECTL, valued: ["-n", "--namespace", "--context", "--kubeconfig", "-o", "--output", "-f", "--filename"], sub: ["delete"], flags: [["-l", "--selector", "--field-selector", "--all", "-A", "--all-namespaces"]] },
      ["kubectl delete pods -l app=web", "kubectl delete deploy --all -n prod", "kubectl delete svc --field-selector metadata.name!=kubernetes"], ["kubectl delete pod web-1", "kubectl get pods -l app=web"]),
    rule("kubernetes.rollout-undo", "moderate", "rolls a workload back or restarts it",
      { program: KUBECTL, valued: KGLOBAL, sub: ["rollout", "undo|restart|pause"] },
      ["kubectl rollout undo deploy/web", "kubectl rollout restart deployment web -n prod"], ["kubectl rollout status deploy/web"]),
    rule("kubernetes.helm-uninstall", "high", "uninstalls a Helm release and the resources it created",
      { program: ["helm"], valued: ["-n", "--namespace", "--kube-context", "--kubeconfig"], sub: ["uninstall|delete|del|un|uninstall-all"] },
      ["helm uninstall web", "helm delete web -n prod", "helm --kube-context prod uninstall api"], ["helm list -A", "helm uninstall web --dry-run"]),
    rule("kubernetes.helm-rollback", "moderate", "rolls a release back to an older revision",
      { program: ["helm"], valued: ["-n", "--namespace", "--kube-context"], sub: ["rollback"] },
      ["helm rollback web 3"], ["helm history web"]),
    rule("kubernetes.cluster-delete", "high", "deletes a whole cluster",
      { program: ["kind", "k3d", "eksctl", "kops", "minikube"], word: "delete" },
      ["kind delete cluster --name dev", "k3d cluster delete prod", "eksctl delete cluster --name prod", "kops delete cluster --yes"], ["kind get clusters"]),
      rule("kubernetes.gitops-delete", "high", "deletes applications, backups or the mesh/GitOps controllers a cluster runs on",
      { program: ["argocd", "flux", "istioctl", "velero", "linkerd", "kustomize", "skaffold", "tilt", "rancher", "kubeadm", "k3s", "rke2", "microk8s"],
        word: "delete|uninstall|reset|destroy|purge|rm|remove|down|leave" },
      ["argocd app delete prod-app --cascade", "flux uninstall --silent", "istioctl uninstall --purge -y", "velero backup delete nightly --confirm", "kubeadm reset -f", "skaffold delete", "linkerd uninstall"],
      ["argocd app list", "flux get kustomizations", "velero backup get", "kubeadm token list"]),
  ],
};
