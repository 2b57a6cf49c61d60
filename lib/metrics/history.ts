/** One epoch of training history, as recorded by the training loop (drawn by lib/viz, stored in ser.json). */
export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Learning rate used during the epoch: a drop from one epoch to the next is marked as a reduction. */
  lr?: number;
}
