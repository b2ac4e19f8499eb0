// Complementary error function, ported from Go's math.Erfc (src/math/erf.go, itself
// FreeBSD's s_erf.c). Copyright 2010 The Go Authors; BSD-style license.
//
// Why a port instead of simple-statistics' errorFunction: that one is an
// Abramowitz–Stegun approximation good to ~1e-7, while benchstat's decisions (which
// order statistics bound a median CI for n > 30, normal-approximation p-values of the
// U-test) are made on Go's full-precision erfc. Using the same algorithm keeps our
// results on the same side of every threshold as benchstat's.

const erx = 8.45062911510467529297e-1;
// Coefficients for approximation to erf in |x| <= 0.84375.
const pp0 = 1.28379167095512558561e-1;
const pp1 = -3.25042107247001499370e-1;
const pp2 = -2.84817495755985104766e-2;
const pp3 = -5.77027029648944159157e-3;
const pp4 = -2.37630166566501626084e-5;
const qq1 = 3.97917223959155352819e-1;
const qq2 = 6.50222499887672944485e-2;
const qq3 = 5.08130628187576562776e-3;
const qq4 = 1.32494738004321644526e-4;
const qq5 = -3.96022827877536812320e-6;
// Coefficients for approximation to erf in 0.84375 <= |x| <= 1.25.
const pa0 = -2.36211856075265944077e-3;
const pa1 = 4.14856118683748331666e-1;
const pa2 = -3.72207876035701323847e-1;
const pa3 = 3.18346619901161753674e-1;
const pa4 = -1.10894694282396677476e-1;
const pa5 = 3.54783043256182359371e-2;
const pa6 = -2.16637559486879084300e-3;
const qa1 = 1.06420880400844228286e-1;
const qa2 = 5.40397917702171048937e-1;
const qa3 = 7.18286544141962662868e-2;
const qa4 = 1.26171219808761642112e-1;
const qa5 = 1.36370839120290507362e-2;
const qa6 = 1.19844998467991074170e-2;
// Coefficients for approximation to erfc in 1.25 <= |x| <= 1/0.35.
const ra0 = -9.86494403484714822705e-3;
const ra1 = -6.93858572707181764372e-1;
const ra2 = -1.05586262253232909814e1;
const ra3 = -6.23753324503260060396e1;
const ra4 = -1.62396669462573470355e2;
const ra5 = -1.84605092906711035994e2;
const ra6 = -8.12874355063065934246e1;
const ra7 = -9.81432934416914548592;
const sa1 = 1.96512716674392571292e1;
const sa2 = 1.37657754143519042600e2;
const sa3 = 4.34565877475229228821e2;
const sa4 = 6.45387271733267880336e2;
const sa5 = 4.29008140027567833386e2;
const sa6 = 1.08635005541779435134e2;
const sa7 = 6.57024977031928170135;
const sa8 = -6.04244152148580987438e-2;
// Coefficients for approximation to erfc in 1/0.35 <= |x| <= 28.
const rb0 = -9.86494292470009928597e-3;
const rb1 = -7.99283237680523006574e-1;
const rb2 = -1.77579549177547519889e1;
const rb3 = -1.60636384855821916062e2;
const rb4 = -6.37566443368389627722e2;
const rb5 = -1.02509513161107724954e3;
const rb6 = -4.83519191608651397019e2;
const sb1 = 3.03380607434824582924e1;
const sb2 = 3.25792512996573918826e2;
const sb3 = 1.53672958608443695994e3;
const sb4 = 3.19985821950859553908e3;
const sb5 = 2.55305040643316442583e3;
const sb6 = 4.74528541206955367215e2;
const sb7 = -2.24409524465858183362e1;

const tiny = 2 ** -56;

const scratch = new DataView(new ArrayBuffer(8));

/** x with the low 32 bits of its mantissa cleared, as fdlibm does to split exp(-x²) accurately. */
function truncateLowWord(x: number): number {
  scratch.setFloat64(0, x);
  scratch.setUint32(4, 0);
  return scratch.getFloat64(0);
}

/** erfc(x) = 1 - erf(x), accurate in the tails where 1 - erf(x) would cancel. */
export function erfc(input: number): number {
  if (Number.isNaN(input)) return Number.NaN;
  if (input === Infinity) return 0;
  if (input === -Infinity) return 2;

  const sign = input < 0;
  const x = Math.abs(input);

  if (x < 0.84375) {
    let temp: number;
    if (x < tiny) {
      temp = x;
    } else {
      const z = x * x;
      const r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
      const s = 1 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
      const y = r / s;
      temp = x < 0.25 ? x + x * y : 0.5 + (x * y + (x - 0.5));
    }
    return sign ? 1 + temp : 1 - temp;
  }

  if (x < 1.25) {
    const s = x - 1;
    const p = pa0 + s * (pa1 + s * (pa2 + s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
    const q = 1 + s * (qa1 + s * (qa2 + s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));
    return sign ? 1 + erx + p / q : 1 - erx - p / q;
  }

  if (x < 28) {
    const s = 1 / (x * x);
    let r: number;
    let q: number;
    if (x < 1 / 0.35) {
      r = ra0 + s * (ra1 + s * (ra2 + s * (ra3 + s * (ra4 + s * (ra5 + s * (ra6 + s * ra7))))));
      q = 1 + s * (sa1 + s * (sa2 + s * (sa3 + s * (sa4 + s * (sa5 + s * (sa6 + s * (sa7 + s * sa8)))))));
    } else {
      if (sign && x > 6) return 2;
      r = rb0 + s * (rb1 + s * (rb2 + s * (rb3 + s * (rb4 + s * (rb5 + s * rb6)))));
      q = 1 + s * (sb1 + s * (sb2 + s * (sb3 + s * (sb4 + s * (sb5 + s * (sb6 + s * sb7))))));
    }
    const z = truncateLowWord(x);
    const e = Math.exp(-z * z - 0.5625) * Math.exp((z - x) * (z + x) + r / q);
    return sign ? 2 - e / x : e / x;
  }

  return sign ? 2 : 0;
}
