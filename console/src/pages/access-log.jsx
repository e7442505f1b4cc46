export function AccessLogPage() {
  return <h1>Access log</h1>;
}
