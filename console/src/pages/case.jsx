export function CasePage({ id }) {
  return <h1>Case {id}</h1>;
}
