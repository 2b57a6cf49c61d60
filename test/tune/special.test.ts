import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { erf, erfc, logNdtr, truncnormLogPdf, truncnormPpf } from '../../lib/tune/special';

// Reference values from scipy 1.10 (scipy.special / scipy.stats.truncnorm).
const close = (a: number, b: number, rel = 1e-12) =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-300), `${a} vs ${b}`);

test('erf and erfc match scipy across every branch of the fdlibm approximation', () => {
  const cases: [number, number, number][] = [
    [-7, -1.0, 2.0],
    [-3, -0.9999779095030014, 1.9999779095030015],
    [-1, -0.8427007929497148, 1.8427007929497148],
    [-0.5, -0.5204998778130465, 1.5204998778130465],
    [0.1, 0.1124629160182849, 0.8875370839817152],
    [0.9, 0.7969082124228322, 0.20309178757716784],
    [2, 0.9953222650189527, 0.004677734981047266],
    [5, 0.9999999999984626, 1.5374597944280347e-12],
  ];
  for (const [x, e, c] of cases) {
    close(erf(x), e);
    close(erfc(x), c, 1e-11);
  }
});

test('log Φ is accurate in both far tails', () => {
  const cases: [number, number][] = [
    [-40, -804.6084420137539],
    [-25, -316.63940800802027],
    [-5, -15.064998393988727],
    [0, -0.6931471805599453],
    [3, -0.001350809964748193],
    [8, -6.220960574271743e-16],
  ];
  for (const [a, v] of cases) close(logNdtr(a), v, 1e-10);
});

test('truncated normal quantile and log density match scipy.stats.truncnorm', () => {
  close(truncnormPpf(0.3, -1, 2), -0.24240381788922707, 1e-9);
  close(truncnormPpf(0.7, 3, 9), 3.3493757211574158, 1e-9);
  close(truncnormPpf(0.2, -12, -10), -10.158153482436411, 1e-9);
  close(truncnormLogPdf(0.4, 0, 1, 0.5, 0.3), 0.3299409192827535, 1e-10);
  assert.equal(truncnormLogPdf(1.5, 0, 1, 0.5, 0.3), -Infinity);
});
