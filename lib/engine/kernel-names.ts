/**
 * Names of the engine's own tfjs kernels (ones stock tfjs does not have), importable without loading the engine
 * (the browser bundle, where the engine does not run, checks `tf.getKernel` for them).
 */

/**
 * Conv2D (+ bias, + ReLU) then a max pool at stride = window ('valid'), one kernel for inference: inputs x
 * ([B, T, C] for a 1-D conv, or NHWC), filter [KH, KW, Cin, Cout], bias (optional); attrs strides, pad
 * ('same' | 'valid'), activation ('linear' | 'relu'), pool [ph, pw]. No gradient.
 */
export const CONV_MAX_POOL = 'SerConvMaxPool';
