// Checks every Kubernetes manifest in deploy/k8s against the Kubernetes API schemas, offline.
//
//   node deploy/validate/validate-k8s.mjs [folder]        (default: deploy/k8s beside this folder)
//   node deploy/validate/validate-k8s.mjs built.yaml      (one file, such as `kubectl kustomize` output)
//
// What is checked, for every document of every *.yaml file in the folder but kustomization.yaml:
//   1. it is one of the kinds below, with its apiVersion (anything else is refused, so a typo
//      in `kind` or `apiVersion` is caught rather than skipped);
//   2. the model's own validate() from kubernetes-models, whose validators are generated from
//      the Kubernetes OpenAPI schemas: types (replicas: "two" is refused), required fields,
//      enums, and formats such as int32, at every depth;
//   3. unknown fields, at every depth: kubernetes-models accepts any extra property (its schemas
//      do not set additionalProperties: false), while the API server drops unknown fields, or
//      refuses them under strict field validation. So `readinessProbes:` would pass (2) and
//      leave the instance without a readiness probe. This check walks each object alongside the
//      TypeScript declarations (.d.ts) that kubernetes-models ships with every model, which
//      name each property and its type, and refuses any property the model does not name.
//      Maps (labels, annotations, ConfigMap data) take any key.
//   The CloudNativePG operator's kinds (postgresql.cnpg.io/v1 Cluster and ScheduledBackup,
//   deploy/k8s/database.yaml) are checked the same way with @kubernetes-models/cloudnative-pg,
//   whose validators and declarations are generated from the operator's API types (the Go
//   package github.com/cloudnative-pg/cloudnative-pg/api/v1, from which the operator also
//   generates its published CRDs): types, enums, required fields, and unknown fields at every
//   depth, down into the Kubernetes types it embeds (resources, affinity, ...). Compared where
//   this was written, its Cluster and ScheduledBackup property trees are those of the published
//   CRDs of CloudNativePG 1.29.0 to 1.29.2 (1.30.0 adds spec.primaryLease). Not checked this
//   way: the CRDs' CEL rules (x-kubernetes-validations, such as synchronous.number > 0).
//   4. With CNPG_CRDS set to a file or folder of the operator's CustomResourceDefinitions (its
//      release manifest, its config/crd/bases, or `kubectl get crd clusters.postgresql.cnpg.io
//      scheduledbackups.postgresql.cnpg.io -o yaml` from the cluster it will run on), the same
//      documents are also validated with ajv against each CRD's openAPIV3Schema, the schema
//      the API server itself applies. CRD schemas rarely say additionalProperties: false, so
//      every object schema that lists properties (and does not keep unknown fields) is made to
//      refuse others. The CRDs are not in this repository: name the operator's version you run.
// and for kustomization.yaml: it lists every other manifest of the folder, except
// secret.example.yaml, which it must not list (a template must never be applied over the real
// Secrets), and the files of its configMapGenerator exist.
//
// What is not checked: anything only a cluster knows (whether the namespace, Secrets, images,
// node labels or the ingress controller exist; admission policies such as Pod Security, which
// deploy/k8s/namespace.yaml enforces), cross-field rules the API server applies in code rather
// than schema (selector matching template labels, container name uniqueness, quantity
// syntax beyond string-or-number). The resources kustomize generates (the ConfigMap of the SQL
// files) and its image names are checked when scripts/validate-deploy.sh finds kubectl and passes
// the output of `kubectl kustomize` here as one file.

import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { parseAllDocuments } from "yaml";

import { Namespace } from "kubernetes-models/v1/Namespace";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { Cluster } from "@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster";
import { ScheduledBackup } from "@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/ScheduledBackup";
import Ajv from "ajv";

const here = dirname(fileURLToPath(import.meta.url));
const target = resolve(process.argv[2] ?? join(here, "..", "k8s"));
const singleFile = statSync(target).isFile();
const folder = singleFile ? dirname(target) : target;

const require = createRequire(import.meta.url);
const packageRoot = (name) => dirname(require.resolve(`${name}/package.json`, { paths: [here] }));
const modelsRoot = packageRoot("kubernetes-models");
const apimachineryRoot = packageRoot("@kubernetes-models/apimachinery");
const cnpgRoot = packageRoot("@kubernetes-models/cloudnative-pg");

// apiVersion/kind -> [model class, path of its declaration (.d.ts)]
const models = {
  "v1/Namespace": [Namespace, join(modelsRoot, "v1/Namespace.d.ts")],
  "v1/ConfigMap": [ConfigMap, join(modelsRoot, "v1/ConfigMap.d.ts")],
  "v1/Secret": [Secret, join(modelsRoot, "v1/Secret.d.ts")],
  "v1/Service": [Service, join(modelsRoot, "v1/Service.d.ts")],
  "apps/v1/Deployment": [Deployment, join(modelsRoot, "apps/v1/Deployment.d.ts")],
  "batch/v1/Job": [Job, join(modelsRoot, "batch/v1/Job.d.ts")],
  "policy/v1/PodDisruptionBudget": [PodDisruptionBudget, join(modelsRoot, "policy/v1/PodDisruptionBudget.d.ts")],
  "networking.k8s.io/v1/NetworkPolicy": [NetworkPolicy, join(modelsRoot, "networking.k8s.io/v1/NetworkPolicy.d.ts")],
  "postgresql.cnpg.io/v1/Cluster": [Cluster, join(cnpgRoot, "postgresql.cnpg.io/v1/Cluster.d.ts")],
  "postgresql.cnpg.io/v1/ScheduledBackup": [ScheduledBackup, join(cnpgRoot, "postgresql.cnpg.io/v1/ScheduledBackup.d.ts")],
};

// ---- the declarations: property names and types of each model ----------------------------

const declarations = new Map(); // .d.ts path -> { properties: Map<name, type text>, imports: Map<interface, .d.ts path> } or null (a type alias)

function resolveImport(fromFile, specifier) {
  if (specifier.startsWith(".")) {
    return resolve(dirname(fromFile), specifier.replace(/\.js$/, ".d.ts"));
  }
  const apimachinery = "@kubernetes-models/apimachinery/";
  if (specifier.startsWith(apimachinery)) {
    return join(apimachineryRoot, specifier.slice(apimachinery.length).replace(/\.js$/, "") + ".d.ts");
  }
  const core = "kubernetes-models/"; // the Kubernetes types that the CloudNativePG models embed
  if (specifier.startsWith(core)) {
    return join(modelsRoot, specifier.slice(core.length).replace(/\.js$/, "") + ".d.ts");
  }
  return null; // @kubernetes-models/base: ModelData, TypeMeta (apiVersion and kind, declared on each model anyway)
}

function declaration(file) {
  if (declarations.has(file)) {
    return declarations.get(file);
  }
  const text = readFileSync(file, "utf8");
  const imports = new Map();
  for (const match of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
    const target = resolveImport(file, match[2]);
    for (const name of match[1].split(",").map((s) => s.trim()).filter(Boolean)) {
      if (target) {
        imports.set(name, target);
      }
    }
  }
  // The first exported interface is the model; a file without one declares a type alias
  // (IntOrString, Quantity, Time): a leaf, checked by validate().
  const header = /^export interface \w+(?: extends ([^{]+))? \{$/m.exec(text);
  if (!header) {
    declarations.set(file, null);
    return null;
  }
  const lines = text.slice(header.index).split("\n");
  const properties = new Map();
  for (let i = 1; i < lines.length && lines[i] !== "}"; i++) {
    const property = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
    if (!property) {
      continue;
    }
    let type = property[2];
    // A type over several lines (an inline map): gather it up to the line that closes it.
    while (!type.endsWith(";") && i + 1 < lines.length) {
      type += " " + lines[++i].trim();
    }
    properties.set(property[1], type.replace(/;$/, "").trim());
  }
  const result = { properties, imports };
  declarations.set(file, result);
  // An interface that extends others (a Go struct that embeds another, as the CloudNativePG
  // models do: ImageCatalogRef is a TypedLocalObjectReference plus its own fields) has their
  // properties too, whose types are named in the files that declare them.
  for (const base of (header[1] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const inherited = imports.has(base) ? declaration(imports.get(base)) : null; // TypeMeta: apiVersion and kind, declared anyway
    for (const [name, type] of inherited?.properties ?? []) {
      if (!properties.has(name)) properties.set(name, type);
    }
    for (const [name, target] of inherited?.imports ?? []) {
      if (!imports.has(name)) imports.set(name, target);
    }
  }
  return result;
}

// The declaration a property's value is checked against: an interface, an array of one, or
// none (strings, numbers, enums, maps and type aliases are leaves here).
function child(decl, type) {
  const array = /^Array<(I\w+)>$/.exec(type);
  const name = array ? array[1] : /^I\w+$/.test(type) ? type : null;
  if (!name || !decl.imports.has(name)) {
    return null;
  }
  return { file: decl.imports.get(name), array: Boolean(array) };
}

function unknownFields(value, file, path, problems) {
  const decl = declaration(file);
  if (decl === null || value === null || typeof value !== "object" || Array.isArray(value)) {
    return; // a leaf, or a value of the wrong shape, which validate() reports
  }
  for (const [key, inner] of Object.entries(value)) {
    const type = decl.properties.get(key);
    if (type === undefined) {
      const known = [...decl.properties.keys()].join(", ");
      problems.push(`${path}/${key}: unknown field (known here: ${known})`);
      continue;
    }
    const next = child(decl, type);
    if (!next) {
      continue;
    }
    if (next.array) {
      if (Array.isArray(inner)) {
        inner.forEach((item, index) => unknownFields(item, next.file, `${path}/${key}/${index}`, problems));
      }
    } else {
      unknownFields(inner, next.file, `${path}/${key}`, problems);
    }
  }
}

// ---- the operator's published CRDs, when given (CNPG_CRDS) --------------------------------

// A CRD's openAPIV3Schema as ajv takes it: the Kubernetes extensions dropped, and every object
// that lists its properties refusing any other (unless it keeps unknown fields, as the API
// server would).
function strictSchema(node) {
  if (Array.isArray(node)) {
    return node.map(strictSchema);
  }
  if (node === null || typeof node !== "object") {
    return node;
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-kubernetes-")) {
      continue;
    }
    // Under `properties` the keys are field names, not keywords: keep every one of them.
    out[key] = key === "properties"
      ? Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, strictSchema(schema)]))
      : strictSchema(value);
  }
  if (node.properties && node.additionalProperties === undefined && node["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function loadCrds(source) {
  const files = statSync(source).isFile()
    ? [source]
    : readdirSync(source).filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => join(source, name));
  const validators = new Map(); // apiVersion/kind -> { validate, crd: a description for the output }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  for (const file of files) {
    // `kubectl get crd A B -o yaml` writes one List of them.
    const objects = parseAllDocuments(readFileSync(file, "utf8"))
      .map((document) => document.toJS({ maxAliasCount: 100 }))
      .flatMap((object) => (object?.kind === "List" ? object.items ?? [] : [object]));
    for (const crd of objects) {
      if (crd?.kind !== "CustomResourceDefinition" || crd.spec?.group !== "postgresql.cnpg.io") {
        continue;
      }
      for (const version of crd.spec.versions ?? []) {
        const schema = version.schema?.openAPIV3Schema;
        if (schema) {
          const made = crd.metadata?.annotations?.["controller-gen.kubebuilder.io/version"];
          validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, {
            validate: ajv.compile(strictSchema(schema)),
            crd: `${crd.metadata.name} ${version.name}${made ? ` (controller-gen ${made})` : ""} from ${file}`,
          });
        }
      }
    }
  }
  return validators;
}

const crdSource = process.env.CNPG_CRDS;
const crds = crdSource ? loadCrds(resolve(crdSource)) : null;
if (crds) {
  if (crds.size === 0) {
    console.error(`FAIL CNPG_CRDS=${crdSource}: no postgresql.cnpg.io CustomResourceDefinition in it`);
    process.exit(1);
  }
  for (const [kind, { crd }] of crds) console.log(`crd  ${kind}: ${crd}`);
}

// ---- the manifests -------------------------------------------------------------------------

function documentsOf(file) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"), { merge: true, prettyErrors: true });
  return documents.map((document) => {
    if (document.errors.length > 0) {
      throw new Error(document.errors.map((e) => e.message).join("\n"));
    }
    return document.toJS({ maxAliasCount: 100 });
  });
}

const files = singleFile ? [basename(target)] : readdirSync(folder).filter((name) => /\.ya?ml$/.test(name)).sort();
let failures = 0;
let checked = 0;
const fail = (where, message) => {
  failures++;
  console.error(`FAIL ${where}: ${message}`);
};

for (const name of files.filter((n) => n !== "kustomization.yaml")) {
  let documents;
  try {
    documents = documentsOf(join(folder, name));
  } catch (e) {
    fail(name, `not YAML: ${e.message}`);
    continue;
  }
  documents.forEach((object, index) => {
    const where = `${name}#${index + 1}`;
    if (object === null || object === undefined) {
      return; // an empty document (a file of comments only)
    }
    const key = `${object.apiVersion}/${object.kind}`;
    const entry = models[key];
    if (!entry) {
      fail(where, `apiVersion/kind ${key} is not one this check knows (${Object.keys(models).join(", ")})`);
      return;
    }
    const [Model, declarationFile] = entry;
    const crd = crds?.get(key);
    if (crds && object.apiVersion.startsWith("postgresql.cnpg.io/") && !crd) {
      fail(where, `CNPG_CRDS has no CustomResourceDefinition for ${key}`);
      return;
    }
    const title = `${object.kind} ${object.metadata?.namespace ?? "-"}/${object.metadata?.name ?? "?"}`;
    let problems = [];
    try {
      new Model(object).validate();
    } catch (e) {
      const errors = e.errors ?? [{ instancePath: "", message: e.message }];
      problems = errors.map((err) => `${err.instancePath || "/"}: ${err.message ?? err.keyword} ${err.params ? JSON.stringify(err.params) : ""}`.trim());
    }
    unknownFields(object, declarationFile, "", problems);
    if (crd && !crd.validate(object)) {
      for (const err of crd.validate.errors) {
        problems.push(err.keyword === "additionalProperties"
          ? `CRD ${err.instancePath}/${err.params.additionalProperty}: unknown field`
          : `CRD ${err.instancePath || "/"}: ${err.message} ${JSON.stringify(err.params)}`);
      }
    }
    if (!object.metadata?.name) {
      problems.push("/metadata/name: missing");
    }
    checked++;
    if (problems.length > 0) {
      problems.forEach((p) => fail(`${where} ${title}`, p));
    } else {
      console.log(`ok   ${where} ${title}${crd ? " (and its CRD)" : ""}`);
    }
  });
}

// ---- the database and the connection strings -------------------------------------------------
// Across documents: the service needs synchronous replication whenever a standby exists (nothing
// acknowledged may be lost in a failover); the Secret template's connection strings name the
// operator's Services of that Cluster: the service both (-rw, the primary; -ro, the standbys),
// the migration Job the primary only.

const all = singleFile ? [] : files.filter((n) => n !== "kustomization.yaml").flatMap((name) => {
  try {
    return documentsOf(join(folder, name)).filter(Boolean);
  } catch {
    return []; // reported above
  }
});
for (const cluster of all.filter((o) => o.apiVersion === "postgresql.cnpg.io/v1" && o.kind === "Cluster")) {
  const name = cluster.metadata?.name;
  const problems = [];
  const synchronous = cluster.spec?.postgresql?.synchronous;
  if ((cluster.spec?.instances ?? 1) > 1 && !(synchronous?.number >= 1)) {
    problems.push("has standbys but no spec.postgresql.synchronous (number >= 1): a failover could lose acknowledged commits");
  }
  const secret = (secretName) => all.find((o) => o.kind === "Secret" && o.metadata?.name === secretName)?.stringData ?? {};
  const hosts = (text) => (/(?:^|;)Host=([^;]*)/.exec(text ?? "")?.[1] ?? "").split(",").filter(Boolean);
  if (all.some((o) => o.kind === "Secret")) {
    const service = hosts(secret("ersou-intel").ConnectionStrings__Postgres);
    if (service.join(",") !== `${name}-rw:5432,${name}-ro:5432`) {
      problems.push(`Secret ersou-intel: ConnectionStrings__Postgres has Host=${service.join(",")}, not ${name}-rw:5432,${name}-ro:5432`);
    }
    const migrator = secret("ersou-intel-migrator");
    if (hosts(migrator.ConnectionStrings__Postgres).join(",") !== `${name}-rw` || migrator.PGHOST !== `${name}-rw`) {
      problems.push(`Secret ersou-intel-migrator: the Job must connect to ${name}-rw alone (ConnectionStrings__Postgres and PGHOST)`);
    }
  }
  problems.forEach((p) => fail(`Cluster ${name}`, p));
  if (problems.length === 0) {
    console.log(`ok   Cluster ${name}: ${cluster.spec.instances} instances, synchronous ${synchronous?.method} ${synchronous?.number}${all.some((o) => o.kind === "Secret") ? `; the service connects to ${name}-rw and ${name}-ro, the Job to ${name}-rw` : ""}`);
  }
}

// ---- kustomization.yaml --------------------------------------------------------------------

const kustomizationFile = join(folder, "kustomization.yaml");
if (singleFile) {
  // One file: nothing to hold a kustomization against.
} else if (!existsSync(kustomizationFile)) {
  fail("kustomization.yaml", "missing");
} else {
  const [kustomization] = documentsOf(kustomizationFile);
  const listed = kustomization.resources ?? [];
  const expected = files.filter((n) => n !== "kustomization.yaml" && n !== "secret.example.yaml");
  const problems = [];
  for (const name of expected) {
    if (!listed.includes(name)) problems.push(`${name} is not listed in resources`);
  }
  for (const name of listed) {
    if (!existsSync(join(folder, name))) problems.push(`resources lists ${name}, which does not exist`);
  }
  if (listed.includes("secret.example.yaml")) {
    problems.push("resources lists secret.example.yaml: a template must never be applied over the real Secrets");
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    for (const file of generator.files ?? []) {
      const path = file.includes("=") ? file.split("=")[1] : file;
      if (!existsSync(join(folder, path))) problems.push(`configMapGenerator ${generator.name}: ${path} does not exist`);
    }
  }
  problems.forEach((p) => fail("kustomization.yaml", p));
  if (problems.length === 0) {
    console.log(`ok   kustomization.yaml lists all ${expected.length} manifests (not secret.example.yaml); generator files exist`);
  }
}

console.log(`${checked} Kubernetes objects checked in ${target}: ${failures === 0 ? "no problems" : `${failures} problem(s)`}`);
process.exit(failures === 0 ? 0 : 1);
