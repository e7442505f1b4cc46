// A file made in the page handed to the browser as a download: the chart's exports and an entry's proof.

/** Saves `blob` as `name` through a link clicked once; nothing is uploaded anywhere. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once click() returns; a moment later the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
