/** Saves a Blob as a file the way a link with `download` would (the token never goes into a URL). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled (the download has its own reference by then).
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
