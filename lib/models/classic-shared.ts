/** Memory the SVM's worker threads can read: a SharedArrayBuffer where one exists (node), else a plain buffer. */
export function sharedBuffer(bytes: number): ArrayBuffer {
  return (typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)) as ArrayBuffer;
}
