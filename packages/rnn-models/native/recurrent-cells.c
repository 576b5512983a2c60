// Fused element-wise LSTM and GRU step kernels for tfjs-backend-wasm (sigmoid gates, tanh
// activation; Keras gate orders LSTM i, f, c, o and GRU z, r, h with the reset gate after the
// recurrent product). They run in their own tiny wasm module that imports the backend's
// memory, so tensors are read and written in place. Rebuild with ../scripts/build-wasm-cells.sh.
//
// Why: on wasm every tfjs op costs ~4–7 µs plus, for XNNPACK's threaded unary ops, a thread
// wake-up (a [64, 64] sigmoid after two element-wise ops: 47 µs with 2 threads, 11 µs with 1).
// One LSTM step is ~14 element-wise ops forward and ~6 backward; these kernels do each in one
// single-threaded SIMD pass.
//
// Rules for this file: no stack, no data segments, no globals written — the module shares the
// backend's memory and must not touch anything but the pointers it is given. `units` must be a
// multiple of 4; a null pointer (0) means "absent".
#include <wasm_simd128.h>

typedef v128_t f4;

#define LOAD(p) wasm_v128_load(p)
#define STORE(p, v) wasm_v128_store(p, v)
#define SPLAT(x) wasm_f32x4_splat(x)
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul

// σ(x) = 1 / (1 + e^−x). e^−x: −x = n·ln2 + r, |r| ≤ ln2/2; e^r by Cephes' expf polynomial (about
// 1 ulp) in Estrin's form; 2^n through the exponent bits. x is clamped to where e^−x and 2^n are
// normal floats (NaN passes through). Written for V8's SIMD code generation, where these kernels
// are bound by the exponentials: pmin/pmax are one instruction each (min/max, with their NaN
// rules, and nearest/trunc_sat are sequences), adding 1.5·2²³ rounds n into the low mantissa
// bits, Estrin's form halves Horner's dependency chain, and r is kept negated so −x is never
// formed (forward step at [1024, 128]: 11.7 → 8.4 ns per cell).
__attribute__((always_inline)) static inline f4 sigmoid4(f4 x) {
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, SPLAT(-88.0f)), SPLAT(87.0f));
  const f4 shifter = SPLAT(12582912.0f);
  f4 t = SUB(shifter, MUL(x, SPLAT(1.44269504088896341f)));
  f4 n = SUB(t, shifter);
  // r = −x − n·ln2, kept as its negation q = x + n·ln2 (odd coefficients change sign).
  f4 q = ADD(ADD(x, MUL(n, SPLAT(0.693359375f))), MUL(n, SPLAT(-2.12194440e-4f)));
  f4 q2 = MUL(q, q);
  f4 q4 = MUL(q2, q2);
  f4 p01 = SUB(SPLAT(5.0000001201e-1f), MUL(SPLAT(1.6666665459e-1f), q));
  f4 p23 = SUB(SPLAT(4.1665795894e-2f), MUL(SPLAT(8.3334519073e-3f), q));
  f4 p45 = SUB(SPLAT(1.3981999507e-3f), MUL(SPLAT(1.9875691500e-4f), q));
  f4 p = ADD(ADD(p01, MUL(p23, q2)), MUL(p45, q4));
  p = ADD(SUB(MUL(p, q2), q), SPLAT(1.0f));
  f4 scale = wasm_i32x4_shl(wasm_i32x4_add(t, wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_div(SPLAT(1.0f), ADD(SPLAT(1.0f), MUL(p, scale)));
}

// tanh(x) = 2·sigmoid(2x) − 1, as rnnkit's wasm path computes it elsewhere.
__attribute__((always_inline)) static inline f4 tanh4(f4 x) { return SUB(MUL(SPLAT(2.0f), sigmoid4(ADD(x, x))), SPLAT(1.0f)); }

// One forward step for `batch` rows.
//   xz, hz  [batch, 4u]  input projection (+ bias) and h_{t-1}·U of this step
//   c, h    [batch, u]   state entering the step
//   mask    [batch]      1 = step, 0 = carry the state over (may be 0: no mask)
// writes (every target but hOut and cOut may be 0: not wanted)
//   gates   [batch, 4u]  activated i, f, g, o
//   actC    [batch, u]   tanh of the new (unmasked) cell state
//   hOut, cOut [batch, u] state after the step (masked rows: h, c unchanged)
//   hCopy, cCopy         second copies of hOut and cOut, and cInCopy one of c: the caller's
//                        time-major stacks, filled in place so no step is stacked afterwards
// Copies n floats (n a multiple of 4).
static inline void copy4(float* to, const float* from, int n) {
  for (int j = 0; j < n; j += 4) STORE(to + j, LOAD(from + j));
}

// The step's arithmetic for one row; storeSaved is a constant at each call, so the compiler
// emits two branch-free loops (V8 keeps far more in registers: the inner loop with the stores
// under run-time conditions ran at half speed).
__attribute__((always_inline)) static inline void lstm_forward_row(const float* x, const float* r, const float* c, const float* h,
                                    float* gate, float* actC, float* hOut, float* cOut, int keep,
                                    int units, const int storeSaved) {
  for (int j = 0; j < units; j += 4) {
    f4 i = sigmoid4(ADD(LOAD(x + j), LOAD(r + j)));
    f4 f = sigmoid4(ADD(LOAD(x + units + j), LOAD(r + units + j)));
    f4 g = tanh4(ADD(LOAD(x + 2 * units + j), LOAD(r + 2 * units + j)));
    f4 o = sigmoid4(ADD(LOAD(x + 3 * units + j), LOAD(r + 3 * units + j)));
    f4 cPrev = LOAD(c + j);
    f4 cNew = ADD(MUL(f, cPrev), MUL(i, g));
    f4 ac = tanh4(cNew);
    if (storeSaved) {
      STORE(gate + j, i);
      STORE(gate + units + j, f);
      STORE(gate + 2 * units + j, g);
      STORE(gate + 3 * units + j, o);
      STORE(actC + j, ac);
    }
    if (keep) {
      STORE(cOut + j, cNew);
      STORE(hOut + j, MUL(o, ac));
    } else {
      STORE(cOut + j, cPrev);
      STORE(hOut + j, LOAD(h + j));
    }
  }
}

__attribute__((export_name("lstm_forward")))
void lstm_forward(const float* xz, const float* hz, const float* c, const float* h, const float* mask,
                  float* gates, float* actC, float* hOut, float* cOut, float* hCopy, float* cCopy,
                  float* cInCopy, int batch, int units) {
  const int w = 4 * units;
  for (int b = 0; b < batch; b++) {
    const int row = b * units;
    const int keep = mask == 0 || mask[b] != 0.0f;
    if (gates && actC) {
      lstm_forward_row(xz + b * w, hz + b * w, c + row, h + row, gates + b * w, actC + row, hOut + row,
                       cOut + row, keep, units, 1);
    } else {
      lstm_forward_row(xz + b * w, hz + b * w, c + row, h + row, 0, 0, hOut + row, cOut + row, keep,
                       units, 0);
    }
    // Copies while the row is still in L1.
    if (hCopy) copy4(hCopy + row, hOut + row, units);
    if (cCopy) copy4(cCopy + row, cOut + row, units);
    if (cInCopy) copy4(cInCopy + row, c + row, units);
  }
}

// One backward step (step t, going backwards).
//   back     [batch, u]   dz_{t+1}·Uᵀ from the step after (0 at the last step)
//   recMask  [batch, u]   recurrent dropout mask applied to h_t (0: none)
//   passIn   [batch, u]   (1 − m_{t+1})·dh_{t+1}: gradient a masked step t+1 passed through (0: none)
//   dOut     [batch, u]   gradient of step t's output h_t
//   dc       [batch, u]   gradient reaching c_t
//   gates [batch, 4u], actC [batch, u], cPrev [batch, u]: saved by the forward step
//   mask     [batch]      as in lstm_forward (0: none)
// writes
//   dz       [batch, 4u]  gradient of the pre-activations
//   dzCopy   [batch, 4u]  a second copy of dz, into the caller's stack of all steps (0: none)
//   dcOut    [batch, u]   gradient reaching c_{t-1}
//   passOut  [batch, u]   (1 − m_t)·dh_t for step t−1 (0: not wanted; only needed with a mask)
__attribute__((export_name("lstm_backward")))
void lstm_backward(const float* back, const float* recMask, const float* passIn, const float* dOut,
                   const float* dc, const float* gates, const float* actC, const float* cPrev,
                   const float* mask, float* dz, float* dzCopy, float* dcOut, float* passOut,
                   int batch, int units) {
  const int w = 4 * units;
  const f4 one = SPLAT(1.0f);
  for (int b = 0; b < batch; b++) {
    const float* gate = gates + b * w;
    float* d = dz + b * w;
    float* d2 = dzCopy ? dzCopy + b * w : 0;
    const int row = b * units;
    const f4 m = SPLAT(mask == 0 ? 1.0f : mask[b]);
    const f4 notM = SUB(one, m);
    for (int j = 0; j < units; j += 4) {
      f4 dh = LOAD(dOut + row + j);
      if (back) {
        f4 fromNext = LOAD(back + row + j);
        if (recMask) fromNext = MUL(fromNext, LOAD(recMask + row + j));
        dh = ADD(dh, fromNext);
      }
      if (passIn) dh = ADD(dh, LOAD(passIn + row + j));
      f4 i = LOAD(gate + j);
      f4 f = LOAD(gate + units + j);
      f4 g = LOAD(gate + 2 * units + j);
      f4 o = LOAD(gate + 3 * units + j);
      f4 ac = LOAD(actC + row + j);
      f4 dcNext = LOAD(dc + row + j);
      f4 dcIn = ADD(dcNext, MUL(dh, MUL(o, SUB(one, MUL(ac, ac)))));
      f4 dcm = MUL(dcIn, m);
      f4 di = MUL(dcm, MUL(g, MUL(i, SUB(one, i))));
      f4 df = MUL(dcm, MUL(LOAD(cPrev + row + j), MUL(f, SUB(one, f))));
      f4 dg = MUL(dcm, MUL(i, SUB(one, MUL(g, g))));
      f4 dO = MUL(MUL(dh, m), MUL(ac, MUL(o, SUB(one, o))));
      STORE(d + j, di);
      STORE(d + units + j, df);
      STORE(d + 2 * units + j, dg);
      STORE(d + 3 * units + j, dO);
      STORE(dcOut + row + j, ADD(MUL(dcm, f), MUL(notM, dcNext)));
      if (passOut) STORE(passOut + row + j, MUL(notM, dh));
    }
    if (d2) copy4(d2, d, w);
  }
}

// GRU (Keras' reset_after, PyTorch's GRU): z = σ(xz_z + hz_z), r = σ(xz_r + hz_r),
// a = hz_h + b_h, c = tanh(xz_h + r·a), h' = z·hp + (1 − z)·c, where hp is the state entering
// the step times the recurrent dropout mask (tfjs-layers' GRU mixes the masked state) and hz =
// hp·U. One forward step for `batch` rows:
//   xz [batch, 3u]  input projection of this step (+ input bias, + recurrent bias of z and r)
//   hz [batch, 3u]  hp·U
//   bh [u]          recurrent bias of the candidate (zeros without a bias)
//   h  [batch, u]   state entering the step (what a masked row carries over)
//   hp [batch, u]   h times the recurrent mask (h itself without one)
//   mask [batch]    as in lstm_forward (0: no mask)
// writes
//   saved [batch, 4u]  z, r, c, a for the backward pass (0: not wanted)
//   hOut [batch, u], hCopy [batch, u] (0: not wanted) the state after the step
__attribute__((always_inline)) static inline void gru_forward_row(const float* x, const float* hz, const float* bh,
                                   const float* h, const float* hp, float* saved, float* hOut,
                                   int keep, int units, const int storeSaved) {
  for (int j = 0; j < units; j += 4) {
    f4 z = sigmoid4(ADD(LOAD(x + j), LOAD(hz + j)));
    f4 r = sigmoid4(ADD(LOAD(x + units + j), LOAD(hz + units + j)));
    f4 a = ADD(LOAD(hz + 2 * units + j), LOAD(bh + j));
    f4 c = tanh4(ADD(LOAD(x + 2 * units + j), MUL(r, a)));
    f4 p = LOAD(hp + j);
    if (storeSaved) {
      STORE(saved + j, z);
      STORE(saved + units + j, r);
      STORE(saved + 2 * units + j, c);
      STORE(saved + 3 * units + j, a);
    }
    // z·hp + (1 − z)·c = c + z·(hp − c)
    if (keep) STORE(hOut + j, ADD(c, MUL(z, SUB(p, c))));
    else STORE(hOut + j, LOAD(h + j));
  }
}

__attribute__((export_name("gru_forward")))
void gru_forward(const float* xz, const float* hz, const float* bh, const float* h, const float* hp,
                 const float* mask, float* saved, float* hOut, float* hCopy, int batch, int units) {
  const int w = 3 * units;
  for (int b = 0; b < batch; b++) {
    const int row = b * units;
    const int keep = mask == 0 || mask[b] != 0.0f;
    if (saved) {
      gru_forward_row(xz + b * w, hz + b * w, bh, h + row, hp + row, saved + b * 4 * units, hOut + row,
                      keep, units, 1);
    } else {
      gru_forward_row(xz + b * w, hz + b * w, bh, h + row, hp + row, 0, hOut + row, keep, units, 0);
    }
    if (hCopy) copy4(hCopy + row, hOut + row, units);
  }
}

// One GRU backward step (step t, going backwards). The gradient reaching h_t is
//   dh = dOut + recMask·(back + carryIn) + passIn
// with back = dInner_{t+1}·Uᵀ and carryIn = dCell_{t+1}·z_{t+1} from the step after (both 0 at
// the last step), passIn = (1 − m_{t+1})·dh_{t+1} (0 without a mask).
//   recMask [batch, u] (0: none), dOut [batch, u], saved [batch, 4u] (z, r, c, a),
//   hPrev [batch, u] the state entering step t (unmasked), mask [batch] (0: none)
// writes
//   dProj [batch, 3u]   gradient of the input projection: dz, dr, dc (pre-activations)
//   dInner [batch, 3u]  gradient of hz: dz, dr, dc·r; dInnerCopy a second copy (0: none)
//   carryOut [batch, u] dCell·z, the part of dh_{t−1} that skips the recurrent product
//   passOut [batch, u]  (1 − m_t)·dh (0: not wanted)
__attribute__((export_name("gru_backward")))
void gru_backward(const float* back, const float* carryIn, const float* passIn, const float* recMask,
                  const float* dOut, const float* saved, const float* hPrev, const float* mask,
                  float* dProj, float* dInner, float* dInnerCopy, float* carryOut, float* passOut,
                  int batch, int units) {
  const int w = 3 * units;
  const f4 one = SPLAT(1.0f);
  for (int b = 0; b < batch; b++) {
    const float* s = saved + b * 4 * units;
    float* dp = dProj + b * w;
    float* di = dInner + b * w;
    const int row = b * units;
    const f4 m = SPLAT(mask == 0 ? 1.0f : mask[b]);
    const f4 notM = SUB(one, m);
    for (int j = 0; j < units; j += 4) {
      f4 dh = LOAD(dOut + row + j);
      f4 rm = recMask ? LOAD(recMask + row + j) : one;
      if (back) dh = ADD(dh, MUL(rm, ADD(LOAD(back + row + j), LOAD(carryIn + row + j))));
      if (passIn) dh = ADD(dh, LOAD(passIn + row + j));
      f4 z = LOAD(s + j);
      f4 r = LOAD(s + units + j);
      f4 c = LOAD(s + 2 * units + j);
      f4 a = LOAD(s + 3 * units + j);
      f4 hp = MUL(LOAD(hPrev + row + j), rm);
      f4 dCell = MUL(dh, m);
      f4 dz = MUL(MUL(dCell, SUB(hp, c)), MUL(z, SUB(one, z)));
      f4 dc = MUL(MUL(dCell, SUB(one, z)), SUB(one, MUL(c, c)));
      f4 dr = MUL(MUL(dc, a), MUL(r, SUB(one, r)));
      STORE(dp + j, dz);
      STORE(dp + units + j, dr);
      STORE(dp + 2 * units + j, dc);
      STORE(di + j, dz);
      STORE(di + units + j, dr);
      STORE(di + 2 * units + j, MUL(dc, r));
      STORE(carryOut + row + j, MUL(dCell, z));
      if (passOut) STORE(passOut + row + j, MUL(notM, dh));
    }
    if (dInnerCopy) copy4(dInnerCopy + b * w, di, w);
  }
}

// Sparse categorical cross-entropy on probabilities, as tfjs-layers computes it (p clipped to
// [eps, 1 − eps], normalised by its row sum, clipped again, −log at the target), without the
// one-hot matrix and the ~8 passes over [rows, classes] tfjs takes forward and ~10 backward
// (a translation model's [1024, 7574] output: 31 MB per pass). Forward: per row the sum of the
// clipped probabilities and the clipped probability of the target id (0 for an id outside
// [0, classes), whose one-hot row is all zeros). The log is taken by the caller on [rows].
__attribute__((always_inline)) static inline float clampf(float x, float lo, float hi) {
  return x < lo ? lo : x > hi ? hi : x;
}

__attribute__((export_name("sparse_ce_forward")))
void sparse_ce_forward(const float* p, const int* ids, float* sums, float* picked, int rows, int classes,
                       float eps) {
  const int vectorClasses = classes & ~3;
  const f4 lo = SPLAT(eps), hi = SPLAT(1.0f - eps);
  for (int r = 0; r < rows; r++) {
    const float* row = p + r * classes;
    f4 acc = SPLAT(0.0f);
    // min/max (not pmin/pmax): a NaN probability must reach the loss, where training sees it.
    for (int j = 0; j < vectorClasses; j += 4) acc = ADD(acc, wasm_f32x4_max(wasm_f32x4_min(LOAD(row + j), hi), lo));
    float s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) +
              wasm_f32x4_extract_lane(acc, 3);
    for (int j = vectorClasses; j < classes; j++) s += clampf(row[j], eps, 1.0f - eps);
    sums[r] = s;
    const int id = ids[r];
    picked[r] = id >= 0 && id < classes ? clampf(row[id], eps, 1.0f - eps) : 0.0f;
  }
}

// Backward: out[r, j] = (b[r] + (j == id ? a[r] : 0)) where eps ≤ p[r, j] ≤ 1 − eps, else 0
// (tfjs' clip gradient passes at the bounds). The caller folds the incoming gradient, the
// normalisation and the second clip into a and b per row.
__attribute__((export_name("sparse_ce_backward")))
void sparse_ce_backward(const float* p, const int* ids, const float* a, const float* b, float* out, int rows,
                        int classes, float eps) {
  const int vectorClasses = classes & ~3;
  const f4 lo = SPLAT(eps), hi = SPLAT(1.0f - eps);
  for (int r = 0; r < rows; r++) {
    const float* row = p + r * classes;
    float* g = out + r * classes;
    const float br = b[r];
    const f4 bv = SPLAT(br);
    for (int j = 0; j < vectorClasses; j += 4) {
      f4 x = LOAD(row + j);
      v128_t inside = wasm_v128_and(wasm_f32x4_ge(x, lo), wasm_f32x4_le(x, hi));
      STORE(g + j, wasm_v128_and(inside, bv));
    }
    for (int j = vectorClasses; j < classes; j++) g[j] = row[j] >= eps && row[j] <= 1.0f - eps ? br : 0.0f;
    const int id = ids[r];
    if (id >= 0 && id < classes && row[id] >= eps && row[id] <= 1.0f - eps) g[id] = br + a[r];
  }
}

// Column sums of x [rows, cols] into out [cols], accumulated row by row in float32. Backs rnnkit's
// wasm Sum/Mean over leading axes (bias and BatchNormalization gradients), which tfjs-backend-wasm
// runs as a transpose and a scalar reduction (~1 ms for [1024, 128]).
__attribute__((export_name("column_sums")))
void column_sums(const float* x, float* out, int rows, int cols) {
  const int vectorCols = cols & ~3;
  for (int j = 0; j < cols; j++) out[j] = 0.0f;
  for (int r = 0; r < rows; r++) {
    const float* row = x + r * cols;
    for (int j = 0; j < vectorCols; j += 4) STORE(out + j, ADD(LOAD(out + j), LOAD(row + j)));
    for (int j = vectorCols; j < cols; j++) out[j] += row[j];
  }
}

// Transposes x [rows, cols] (any 32-bit elements) into out [cols, rows] in tiles of 4×4 SIMD
// blocks. Backs rnnkit's wasm Transpose of matrices: tfjs-backend-wasm 4.22 copies element by
// element (~7 ns per element when rows are a multiple of 256: cache-set conflicts). Tiles of
// 16 rows × 32 columns, walked column block by column block, keep four output lines in flight
// (measured [4096, 256]: 0.47 ms, [10240, 512]: 3.4 ms, [256, 4096]: 0.34 ms).
__attribute__((export_name("transpose_2d")))
void transpose_2d(const float* x, float* out, int rows, int cols) {
  const int rows4 = rows & ~3;
  const int cols4 = cols & ~3;
  for (int r0 = 0; r0 < rows4; r0 += 16) {
    const int r1 = r0 + 16 < rows4 ? r0 + 16 : rows4;
    for (int c0 = 0; c0 < cols4; c0 += 32) {
      const int c1 = c0 + 32 < cols4 ? c0 + 32 : cols4;
      for (int c = c0; c < c1; c += 4) {
        for (int r = r0; r < r1; r += 4) {
          const float* in = x + r * cols + c;
          f4 a = LOAD(in), b = LOAD(in + cols), cc = LOAD(in + 2 * cols), d = LOAD(in + 3 * cols);
          f4 t0 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);
          f4 t1 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
          f4 t2 = wasm_i32x4_shuffle(cc, d, 0, 4, 1, 5);
          f4 t3 = wasm_i32x4_shuffle(cc, d, 2, 6, 3, 7);
          float* o = out + c * rows + r;
          STORE(o, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
          STORE(o + rows, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
          STORE(o + 2 * rows, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
          STORE(o + 3 * rows, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
        }
      }
    }
  }
  // The edges the 4×4 blocks leave: the last rows % 4 rows, the last cols % 4 columns.
  for (int r = rows4; r < rows; r++)
    for (int c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  for (int r = 0; r < rows4; r++)
    for (int c = cols4; c < cols; c++) out[c * rows + r] = x[r * cols + c];
}

// out [numSegments, inner] = the rows of x [rows, inner] summed by segment id (ids outside
// [0, numSegments) are dropped): Embedding's gradient. tfjs-backend-wasm has no such kernel;
// rnnkit's JavaScript one took ~1 ms for 4,096 × 64 once optimised and several before.
__attribute__((export_name("unsorted_segment_sum")))
void unsorted_segment_sum(const float* x, const int* ids, float* out, int rows, int inner,
                          int numSegments) {
  const int vectorInner = inner & ~3;
  for (int k = 0; k < numSegments * inner; k++) out[k] = 0.0f;
  for (int r = 0; r < rows; r++) {
    const int segment = ids[r];
    if (segment < 0 || segment >= numSegments) continue;
    const float* from = x + r * inner;
    float* to = out + segment * inner;
    for (int k = 0; k < vectorInner; k += 4) STORE(to + k, ADD(LOAD(to + k), LOAD(from + k)));
    for (int k = vectorInner; k < inner; k++) to[k] += from[k];
  }
}

// out[o, k, :] = x[o, ids[k], :] for o < outer, k < count, rows of `inner` 32-bit elements, with
// x read as [outer, axisSize, inner]; ids must lie in [0, axisSize) (the caller checks). Backs
// rnnkit's wasm GatherV2 (Embedding lookups) and Reverse (the backward half of Bidirectional),
// which copied row by row from JavaScript (~0.85 ms to reverse [64, 64, 64]).
__attribute__((export_name("gather_rows")))
void gather_rows(const float* x, const int* ids, float* out, int outer, int axisSize, int count,
                 int inner) {
  for (int o = 0; o < outer; o++) {
    const float* base = x + o * axisSize * inner;
    for (int k = 0; k < count; k++, out += inner) {
      const float* from = base + ids[k] * inner;
      if ((inner & 3) == 0) copy4(out, from, inner);
      else
        for (int j = 0; j < inner; j++) out[j] = from[j];
    }
  }
}

// out [outer, inner] = a op b (op: 0 add, 1 sub, 2 mul, 3 div), each operand broadcast as the
// caller planned: row o of it starts aOuter floats after row o − 1 (0: the same row for all), and
// its values run along the row when aVec (else one value per row). Backs rnnkit's wasm Add, Sub,
// Multiply and RealDiv for tensors below ~1 MB: tfjs-backend-wasm runs them through XNNPACK on
// its thread pool, and a training step's ~100 small ones (BatchNormalization's gradient) stall
// for milliseconds whenever the pool's worker is not on a core at once (results are the same
// IEEE operations, so the same bits).
__attribute__((always_inline)) static inline f4 binary4(int op, f4 x, f4 y) {
  return op == 0 ? ADD(x, y) : op == 1 ? SUB(x, y) : op == 2 ? MUL(x, y) : wasm_f32x4_div(x, y);
}
__attribute__((always_inline)) static inline float binary1(int op, float x, float y) {
  return op == 0 ? x + y : op == 1 ? x - y : op == 2 ? x * y : x / y;
}
__attribute__((always_inline)) static inline void binary_rows(int op, const float* a, int aOuter, int aVec,
                                                              const float* b, int bOuter, int bVec, float* out,
                                                              int outer, int inner) {
  for (int o = 0; o < outer; o++) {
    const float* pa = a + (unsigned)o * aOuter;
    const float* pb = b + (unsigned)o * bOuter;
    float* po = out + (unsigned)o * inner;
    const f4 sa = SPLAT(pa[0]), sb = SPLAT(pb[0]);
    int i = 0;
    for (; i + 4 <= inner; i += 4) STORE(po + i, binary4(op, aVec ? LOAD(pa + i) : sa, bVec ? LOAD(pb + i) : sb));
    for (; i < inner; i++) po[i] = binary1(op, aVec ? pa[i] : pa[0], bVec ? pb[i] : pb[0]);
  }
}
#define BINARY_CASES(OP)                                                                                 \
  if (aVec && bVec) binary_rows(OP, a, aOuter, 1, b, bOuter, 1, out, outer, inner);                    \
  else if (aVec) binary_rows(OP, a, aOuter, 1, b, bOuter, 0, out, outer, inner);                       \
  else if (bVec) binary_rows(OP, a, aOuter, 0, b, bOuter, 1, out, outer, inner);                       \
  else binary_rows(OP, a, aOuter, 0, b, bOuter, 0, out, outer, inner);

__attribute__((export_name("binary_op")))
void binary_op(int op, const float* a, int aOuter, int aVec, const float* b, int bOuter, int bVec, float* out,
               int outer, int inner) {
  if (op == 0) {
    BINARY_CASES(0)
  } else if (op == 1) {
    BINARY_CASES(1)
  } else if (op == 2) {
    BINARY_CASES(2)
  } else {
    BINARY_CASES(3)
  }
}
#undef BINARY_CASES

// One Adam update of n parameters in one pass, in exactly tfjs-core 4.22's AdamOptimizer
// order of float32 operations (so results are bit-identical): m' = m·β1 + g·(1−β1),
// v' = v·β2 + g²·(1−β2), w' = (m'/c1) / (√(v'/c2) + ε) · (−lr) + w, where c1 = 1 − β1^t and
// c2 = 1 − β2^t. tfjs runs 13 element-wise ops per variable, each a pass over memory with
// a fresh tensor.
__attribute__((export_name("adam_update")))
void adam_update(const float* w, const float* m, const float* v, const float* g, float* wOut, float* mOut,
                 float* vOut, int n, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                 const float* c1, const float* c2, float epsilon, float negativeRate) {
  const int vectorN = n & ~3;
  const f4 b1 = SPLAT(beta1), nb1 = SPLAT(oneMinusBeta1), b2 = SPLAT(beta2), nb2 = SPLAT(oneMinusBeta2);
  const f4 c1v = SPLAT(*c1), c2v = SPLAT(*c2), eps = SPLAT(epsilon), rate = SPLAT(negativeRate);
  for (int i = 0; i < vectorN; i += 4) {
    const f4 gi = LOAD(g + i);
    const f4 mi = ADD(MUL(LOAD(m + i), b1), MUL(gi, nb1));
    const f4 vi = ADD(MUL(LOAD(v + i), b2), MUL(MUL(gi, gi), nb2));
    const f4 step = wasm_f32x4_div(wasm_f32x4_div(mi, c1v), ADD(wasm_f32x4_sqrt(wasm_f32x4_div(vi, c2v)), eps));
    STORE(mOut + i, mi);
    STORE(vOut + i, vi);
    STORE(wOut + i, ADD(MUL(step, rate), LOAD(w + i)));
  }
  for (int i = vectorN; i < n; i++) {
    const float mi = m[i] * beta1 + g[i] * oneMinusBeta1;
    const float vi = v[i] * beta2 + (g[i] * g[i]) * oneMinusBeta2;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = ((mi / *c1) / (__builtin_sqrtf(vi / *c2) + epsilon)) * negativeRate + w[i];
  }
}

// ---- Matrix products: C[m, n] = A·B (+ bias, then relu if asked) ----
// XNNPACK's wasm GEMM runs at about half of what 128-bit SIMD without FMA allows; this 2×16
// register tile (8 accumulators, one 16-column strip of B packed contiguously per k) runs faster
// per thread. Every thread of rnnkit's helper pool runs gemm_run on the same job and claims work
// items (a block of rows × one 16-column panel) from job->next. Each output element is one
// accumulator summed over k in order — kept in C between chunks of k — so the result has the
// same bits whatever the thread count or blocking.
//
// A's element (i, kk) is at a[i·aRow + kk·aInner], B's (kk, j) at b[kk·bInner + j·bCol]: both
// transposes are strides. Each thread packs the panel chunk it works on into its own scratch of
// 16·chunk + 16 floats (the panel, then its 16 bias values).
typedef struct {
  const float* a;
  int aRow, aInner;
  const float* b;
  int bInner, bCol;
  float* c;
  int m, k, n;
  const float* bias;  // [n] or 0
  int relu;
  int blockRows;       // rows per work item, even
  int chunk;           // k per packed panel chunk
  float* scratch;      // per thread: scratch + thread·scratchFloats
  int scratchFloats;
  int open;            // 1 while threads may join; the caller clears it before reusing the job
  int next;            // next work item to claim
  int done;            // work items finished
  int inside;          // threads inside gemm_run
  int helped;          // work items done by threads other than the caller's (thread > 0)
  // Row jobs (kind ≠ 0): one step kernel over blocks of batch rows instead of a product.
  int kind;
  int rows, rowsPerItem, units;
  const float* args[13];  // the kernel's pointer arguments in order (0: absent)
  int strides[13];        // floats per batch row of each (0: shared by all rows)
  int group;              // products: panels per work item, packed together
} GemmJob;

enum {
  JOB_PRODUCT = 0,
  JOB_LSTM_FORWARD = 1,
  JOB_LSTM_BACKWARD = 2,
  JOB_GRU_FORWARD = 3,
  JOB_GRU_BACKWARD = 4,
  JOB_LSTM_SEQUENCE = 5,
  JOB_GRU_SEQUENCE = 6,
  JOB_LSTM_SEQUENCE_BACKWARD = 7,
  JOB_GRU_SEQUENCE_BACKWARD = 8
};

// Rows [k0, k0 + depth) of panel j0 into out (depth × 16, zero columns past n), then the bias.
static void pack_panel(const GemmJob* job, int j0, int k0, int depth, float* out) {
  const int width = job->n - j0 < 16 ? job->n - j0 : 16;
  if (width == 16 && job->bCol == 1) {
    const float* row = job->b + (unsigned)k0 * job->bInner + j0;
    float* o = out;
    for (int kk = 0; kk < depth; kk++, row += job->bInner, o += 16) {
      STORE(o, LOAD(row));
      STORE(o + 4, LOAD(row + 4));
      STORE(o + 8, LOAD(row + 8));
      STORE(o + 12, LOAD(row + 12));
    }
  } else {
    for (int jj = 0; jj < 16; jj++) {
      if (jj < width) {
        const float* column = job->b + (unsigned)(j0 + jj) * job->bCol + (unsigned)k0 * job->bInner;
        for (int kk = 0; kk < depth; kk++) out[kk * 16 + jj] = column[(unsigned)kk * job->bInner];
      } else {
        for (int kk = 0; kk < depth; kk++) out[kk * 16 + jj] = 0.0f;
      }
    }
  }
  float* bias = out + (unsigned)depth * 16;
  for (int jj = 0; jj < 16; jj++) bias[jj] = job->bias != 0 && jj < width ? job->bias[j0 + jj] : 0.0f;
}

// Panels [p0, p1) of rows [k0, k0 + depth) into out, one after another (each as pack_panel lays it
// out). Where B's rows are contiguous and the panels full, each row's 16·(p1 − p0) values are read
// in one run: a tall B with long rows (a gradient [time·batch, 4·units]) is otherwise read 64 bytes
// per row, a page apart, once per panel.
static void pack_panels(const GemmJob* job, int p0, int p1, int k0, int depth, float* out) {
  const unsigned panelFloats = (unsigned)depth * 16 + 16;
  if (job->bCol != 1 || p1 * 16 > job->n) {
    for (int p = p0; p < p1; p++) pack_panel(job, p * 16, k0, depth, out + (unsigned)(p - p0) * panelFloats);
    return;
  }
  const float* row = job->b + (unsigned)k0 * job->bInner + p0 * 16;
  for (int kk = 0; kk < depth; kk++, row += job->bInner) {
    float* o = out + kk * 16;
    for (int p = 0; p < p1 - p0; p++, o += panelFloats) {
      const float* from = row + p * 16;
      STORE(o, LOAD(from));
      STORE(o + 4, LOAD(from + 4));
      STORE(o + 8, LOAD(from + 8));
      STORE(o + 12, LOAD(from + 12));
    }
  }
  for (int p = p0; p < p1; p++) {
    float* bias = out + (unsigned)(p - p0) * panelFloats + (unsigned)depth * 16;
    for (int jj = 0; jj < 16; jj++) bias[jj] = job->bias != 0 ? job->bias[p * 16 + jj] : 0.0f;
  }
}

// The first `width` values of a row of C as vectors (zeros past width: no read beyond the row).
__attribute__((always_inline)) static inline f4 load_lanes(const float* o, int width) {
  if (width >= 4) return LOAD(o);
  if (width <= 0) return SPLAT(0.0f);
  return wasm_f32x4_make(o[0], width > 1 ? o[1] : 0.0f, width > 2 ? o[2] : 0.0f, 0.0f);
}

__attribute__((always_inline)) static inline void store_lanes(float* o, f4 v, int width) {
  if (width >= 4) {
    STORE(o, v);
    return;
  }
  if (width > 0) o[0] = wasm_f32x4_extract_lane(v, 0);
  if (width > 1) o[1] = wasm_f32x4_extract_lane(v, 1);
  if (width > 2) o[2] = wasm_f32x4_extract_lane(v, 2);
}

__attribute__((always_inline)) static inline void store_row(float* o, f4 c0, f4 c1, f4 c2, f4 c3, int width, int relu) {
  if (relu) {
    const f4 zero = SPLAT(0.0f);
    c0 = wasm_f32x4_pmax(c0, zero);
    c1 = wasm_f32x4_pmax(c1, zero);
    c2 = wasm_f32x4_pmax(c2, zero);
    c3 = wasm_f32x4_pmax(c3, zero);
  }
  store_lanes(o, c0, width);
  store_lanes(o + 4, c1, width - 4);
  store_lanes(o + 8, c2, width - 8);
  store_lanes(o + 12, c3, width - 12);
}

// Accumulators of one row: the bias on the first chunk of k, else what C holds so far.
#define START_ROW(o, c0, c1, c2, c3)                                                              \
  if (first) {                                                                                    \
    c0 = LOAD(bias), c1 = LOAD(bias + 4), c2 = LOAD(bias + 8), c3 = LOAD(bias + 12);              \
  } else {                                                                                        \
    c0 = load_lanes(o, width), c1 = load_lanes(o + 4, width - 4), c2 = load_lanes(o + 8, width - 8); \
    c3 = load_lanes(o + 12, width - 12);                                                          \
  }

// Rows [row0, row1) of panel j0 over k in [k0, k0 + depth), against the packed chunk p.
static void gemm_rows(const GemmJob* job, const float* p, int j0, int k0, int depth, int row0, int row1) {
  const int n = job->n, width = n - j0 < 16 ? n - j0 : 16;
  const int aRow = job->aRow, aInner = job->aInner;
  const int first = k0 == 0, relu = job->relu && k0 + depth == job->k;
  const float* bias = p + (unsigned)depth * 16;
  int i = row0;
  for (; i + 2 <= row1; i += 2) {
    float* o = job->c + (unsigned)i * n + j0;
    f4 c00, c01, c02, c03, c10, c11, c12, c13;
    START_ROW(o, c00, c01, c02, c03)
    START_ROW(o + n, c10, c11, c12, c13)
    const float* a0 = job->a + (unsigned)i * aRow + (unsigned)k0 * aInner;
    const float* a1 = a0 + aRow;
#define TILE_2x16(x0_at, x1_at)                                      \
  {                                                                  \
    const f4 b0 = LOAD(q), b1 = LOAD(q + 4), b2 = LOAD(q + 8), b3 = LOAD(q + 12); \
    const f4 x0 = wasm_v128_load32_splat(x0_at);                     \
    c00 = ADD(c00, MUL(x0, b0));                                     \
    c01 = ADD(c01, MUL(x0, b1));                                     \
    c02 = ADD(c02, MUL(x0, b2));                                     \
    c03 = ADD(c03, MUL(x0, b3));                                     \
    const f4 x1 = wasm_v128_load32_splat(x1_at);                     \
    c10 = ADD(c10, MUL(x1, b0));                                     \
    c11 = ADD(c11, MUL(x1, b1));                                     \
    c12 = ADD(c12, MUL(x1, b2));                                     \
    c13 = ADD(c13, MUL(x1, b3));                                     \
  }
    if (aInner == 1) {
      // Contiguous rows of A (no transpose): constant offsets from one index, as V8 addresses best.
      for (int kk = 0; kk < depth; kk++) {
        const float* q = p + kk * 16;
        TILE_2x16(a0 + kk, a1 + kk)
      }
    } else {
      const float* q = p;
      for (int kk = 0; kk < depth; kk++, q += 16, a0 += aInner, a1 += aInner) TILE_2x16(a0, a1)
    }
#undef TILE_2x16
    store_row(o, c00, c01, c02, c03, width, relu);
    store_row(o + n, c10, c11, c12, c13, width, relu);
  }
  if (i < row1) {
    float* o = job->c + (unsigned)i * n + j0;
    f4 c00, c01, c02, c03;
    START_ROW(o, c00, c01, c02, c03)
    const float* a0 = job->a + (unsigned)i * aRow + (unsigned)k0 * aInner;
    const float* q = p;
    for (int kk = 0; kk < depth; kk++, q += 16, a0 += aInner) {
      const f4 x0 = wasm_v128_load32_splat(a0);
      c00 = ADD(c00, MUL(x0, LOAD(q)));
      c01 = ADD(c01, MUL(x0, LOAD(q + 4)));
      c02 = ADD(c02, MUL(x0, LOAD(q + 8)));
      c03 = ADD(c03, MUL(x0, LOAD(q + 12)));
    }
    store_row(o, c00, c01, c02, c03, width, relu);
  }
}

// out[i] = op(x[i]) for n values (op: 0 neg, 1 abs, 2 floor, 3 ceil, 4 relu, 5 square, 6 sqrt):
// exact IEEE operations, so the same bits as tfjs' XNNPACK kernels these stand in for below ~1 MB
// (binary_op says why). relu is max(0, x) as tfjs' cpu kernel computes it: NaN stays NaN, −0 gives 0.
__attribute__((always_inline)) static inline f4 unary4(int op, f4 x) {
  switch (op) {
    case 0: return wasm_f32x4_neg(x);
    case 1: return wasm_f32x4_abs(x);
    case 2: return wasm_f32x4_floor(x);
    case 3: return wasm_f32x4_ceil(x);
    case 4: return wasm_v128_bitselect(x, SPLAT(0.0f), wasm_v128_or(wasm_f32x4_gt(x, SPLAT(0.0f)), wasm_f32x4_ne(x, x)));
    case 5: return MUL(x, x);
    default: return wasm_f32x4_sqrt(x);
  }
}
__attribute__((always_inline)) static inline void unary_values(int op, const float* x, float* out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) STORE(out + i, unary4(op, LOAD(x + i)));
  if (i < n) {
    // The last 1–3 values through one vector: no scalar versions of floor, ceil and sqrt without libc.
    const int rest = n - i;
    const f4 v = unary4(op, wasm_f32x4_make(x[i], rest > 1 ? x[i + 1] : 0.0f, rest > 2 ? x[i + 2] : 0.0f, 0.0f));
    store_lanes(out + i, v, rest);
  }
}

__attribute__((export_name("unary_op")))
void unary_op(int op, const float* x, float* out, int n) {
  switch (op) {
    case 0: unary_values(0, x, out, n); break;
    case 1: unary_values(1, x, out, n); break;
    case 2: unary_values(2, x, out, n); break;
    case 3: unary_values(3, x, out, n); break;
    case 4: unary_values(4, x, out, n); break;
    case 5: unary_values(5, x, out, n); break;
    default: unary_values(6, x, out, n); break;
  }
}

// Rows [row0, row0 + count) of a row job.
static void run_rows(const GemmJob* job, int row0, int count) {
#define ARG(i) (job->args[i] ? (float*)job->args[i] + (unsigned)row0 * job->strides[i] : (float*)0)
  const int u = job->units;
  switch (job->kind) {
    case JOB_LSTM_FORWARD:
      lstm_forward(ARG(0), ARG(1), ARG(2), ARG(3), ARG(4), ARG(5), ARG(6), ARG(7), ARG(8), ARG(9), ARG(10),
                   ARG(11), count, u);
      break;
    case JOB_LSTM_BACKWARD:
      lstm_backward(ARG(0), ARG(1), ARG(2), ARG(3), ARG(4), ARG(5), ARG(6), ARG(7), ARG(8), ARG(9), ARG(10),
                    ARG(11), ARG(12), count, u);
      break;
    case JOB_GRU_FORWARD:
      gru_forward(ARG(0), ARG(1), ARG(2), ARG(3), ARG(4), ARG(5), ARG(6), ARG(7), ARG(8), count, u);
      break;
    case JOB_GRU_BACKWARD:
      gru_backward(ARG(0), ARG(1), ARG(2), ARG(3), ARG(4), ARG(5), ARG(6), ARG(7), ARG(8), ARG(9), ARG(10),
                   ARG(11), ARG(12), count, u);
      break;
  }
#undef ARG
}

// Whole sequences: batch rows are independent through every step, forward and backward, so a
// thread runs its block of rows from the first step to the last (or back) with no barrier. Each
// step is one product of the rows with a matrix packed once per sequence and one step kernel.
// A thread's scratch holds, per packed matrix, the product's GemmJob (the module has no stack;
// 64 floats) and the matrix (panels of k·16 values and 16 biases), then the caller's row buffers.
#define JOB_FLOATS 64

// Packs B [k, n] (element (kk, j) at b[kk·bInner + j·bCol]) and its bias ([n] or 0: zeros) whole
// at `at` (a thread's scratch, or where the last packed matrix ends).
static GemmJob* pack_whole(float* at, const float* b, int bInner, int bCol, int k, int n, const float* bias) {
  GemmJob* product = (GemmJob*)at;
  float* packed = at + JOB_FLOATS;
  product->b = b;
  product->bInner = bInner;
  product->bCol = bCol;
  product->k = k;
  product->n = n;
  product->bias = bias;
  product->relu = 0;
  product->aInner = 1;
  product->scratch = packed;
  for (int p = 0; p < (n + 15) / 16; p++) pack_panel(product, p * 16, 0, k, packed + (unsigned)p * (k * 16 + 16));
  return product;
}

// Where the packed matrix ends: the caller's row buffers, or the next packed matrix.
static float* whole_area(const GemmJob* product) {
  return product->scratch + (unsigned)((product->n + 15) / 16) * (product->k * 16 + 16);
}

// c [count, n] = bias + a [count, k] (rows aRow floats apart) · the matrix pack_whole packed.
static void whole_product(GemmJob* product, const float* a, int aRow, float* c, int count) {
  product->a = a;
  product->aRow = aRow;
  product->c = c;
  product->m = count;
  const int k = product->k;
  for (int p = 0; p < (product->n + 15) / 16; p++)
    gemm_rows(product, product->scratch + (unsigned)p * (k * 16 + 16), p * 16, 0, k, 0, count);
}

// Forward, rows [row0, row0 + count). Row buffers: the rows' h·U, and their input projection
// (computed here step by step: no [T, B, G·u] stack is written or read).
//   args: 0 x [B, T, inputDim] (batch-major), 1 U [u, G·u], 2 h0 [B, u], 3 c0 [B, u] (LSTM),
//   4 mask [T, B] (0: none), 5 saved [T, B, 4u] (LSTM: gates; GRU: z, r, c, a; 0: not kept),
//   6 actC [T, B, u] (LSTM; 0: not kept), 7 states [T (+1 for the LSTM's final c), B, u],
//   8 cells [T + 1, B, u] (LSTM), 9 bh [u] (GRU's recurrent candidate bias), 10 W [inputDim, G·u],
//   11 the projection's bias [G·u] (0: none). strides[0] = T, strides[1] = inputDim.
static void run_sequence(const GemmJob* job, int thread, int row0, int count) {
  const int u = job->units, B = job->rows, T = job->strides[0], inputDim = job->strides[1];
  const int G = job->kind == JOB_LSTM_SEQUENCE ? 4 : 3, width = G * u;
  GemmJob* product = pack_whole(job->scratch + (unsigned)thread * job->scratchFloats, job->args[1], width, 1, u,
                                width, 0);
  GemmJob* projection = pack_whole(whole_area(product), job->args[10], width, 1, inputDim, width, job->args[11]);
  float* hz = whole_area(projection);
  float* x = hz + (unsigned)job->rowsPerItem * width;
  const float* mask = job->args[4];
  float* saved = (float*)job->args[5];
  float* actC = (float*)job->args[6];
  float* states = (float*)job->args[7];
  float* cells = (float*)job->args[8];
  const unsigned rowU = (unsigned)row0 * u, step = (unsigned)B * u;
  for (int t = 0; t < T; t++) {
    const float* h = t == 0 ? job->args[2] + rowU : states + (unsigned)(t - 1) * step + rowU;
    whole_product(product, h, u, hz, count);
    // Step t of batch rows row0… of x: rows T·inputDim floats apart.
    whole_product(projection, job->args[0] + ((unsigned)row0 * T + t) * inputDim, T * inputDim, x, count);
    const float* m = mask ? mask + (unsigned)t * B + row0 : 0;
    float* hOut = states + (unsigned)t * step + rowU;
    if (G == 4) {
      const float* c = t == 0 ? job->args[3] + rowU : cells + (unsigned)t * step + rowU;
      lstm_forward(x, hz, c, h, m, saved ? saved + ((unsigned)t * B + row0) * width : 0,
                   actC ? actC + (unsigned)t * step + rowU : 0, hOut, cells + (unsigned)(t + 1) * step + rowU, 0,
                   t == T - 1 ? states + (unsigned)T * step + rowU : 0, t == 0 ? cells + rowU : 0, count, u);
    } else {
      gru_forward(x, hz, job->args[9], h, h, m, saved ? saved + ((unsigned)t * B + row0) * 4 * u : 0, hOut, 0,
                  count, u);
    }
  }
}

// Backward through a whole sequence, rows [row0, row0 + count), in the step-by-step path's order
// of operations (same bits). Each step's dz (GRU: dInner) goes straight into the caller's stack and
// back = dz·Uᵀ into the row buffer; the gradient a masked step passes through (and the GRU's carry)
// are updated in place.
//   LSTM args: 0 dOut [T + 1, B, u] (the last: the final c's), 1 U [u, 4u], 2 recMask [B, u] (0:
//   none), 3 mask [T, B] (0: none), 4 gates [T, B, 4u], 5 actC [T, B, u], 6 cells [T + 1, B, u],
//   writes 7 dz [T, B, 4u], 8 dh0 [B, u], 9 dc0 [B, u].
//   GRU args: 0 dOut [T, B, u], 1 U [u, 3u], 2 recMask, 3 mask, 4 saved [T, B, 4u], 5 h0 [B, u],
//   6 states [T, B, u], writes 7 dProj [T, B, 3u], 8 dInner [T, B, 3u], 9 dh0 [B, u].
static void run_sequence_backward(const GemmJob* job, int thread, int row0, int count) {
  const int u = job->units, B = job->rows, T = job->strides[0];
  const int lstm = job->kind == JOB_LSTM_SEQUENCE_BACKWARD, width = (lstm ? 4 : 3) * u;
  // Uᵀ: element (kk, j) is U[j, kk].
  GemmJob* product = pack_whole(job->scratch + (unsigned)thread * job->scratchFloats, job->args[1], 1, width, width, u, 0);
  float* back = whole_area(product);
  float* pass = back + (unsigned)job->rowsPerItem * u;
  float* carry = pass + (unsigned)job->rowsPerItem * u;
  const unsigned rowU = (unsigned)row0 * u, step = (unsigned)B * u;
  const float* dOut = job->args[0];
  const float* recMask = job->args[2] ? job->args[2] + rowU : 0;
  const float* mask = job->args[3];
  float* dh0 = (float*)job->args[9 - lstm] + rowU;
  float* dc = lstm ? (float*)job->args[9] + rowU : 0;
  if (lstm) copy4(dc, dOut + (unsigned)T * step + rowU, count * u);
  for (int t = T - 1; t >= 0; t--) {
    const int last = t == T - 1;
    const float* m = mask ? mask + (unsigned)t * B + row0 : 0;
    // Only a masked step passes gradient through.
    float* passIn = last || !mask ? 0 : pass;
    const unsigned rows = (unsigned)t * B + row0;
    float* dz;
    if (lstm) {
      dz = (float*)job->args[7] + rows * width;
      lstm_backward(last ? 0 : back, recMask, passIn, dOut + (unsigned)t * step + rowU, dc,
                    job->args[4] + rows * width, job->args[5] + (unsigned)t * step + rowU,
                    job->args[6] + (unsigned)t * step + rowU, m, dz, 0, dc, m ? pass : 0, count, u);
    } else {
      dz = (float*)job->args[8] + rows * width;
      const float* hPrev = t == 0 ? job->args[5] + rowU : job->args[6] + (unsigned)(t - 1) * step + rowU;
      gru_backward(last ? 0 : back, last ? 0 : carry, passIn, recMask, dOut + (unsigned)t * step + rowU,
                   job->args[4] + rows * 4 * u, hPrev, m, (float*)job->args[7] + rows * width, dz, 0, carry,
                   m ? pass : 0, count, u);
    }
    whole_product(product, dz, width, back, count);
  }
  // The gradient reaching h0, combined as the kernel would for a step before the first.
  for (int i = 0; i < count * u; i += 4) {
    f4 d = LOAD(back + i);
    if (!lstm) d = ADD(d, LOAD(carry + i));
    if (recMask) d = MUL(d, LOAD(recMask + i));
    if (mask) d = ADD(d, LOAD(pass + i));
    STORE(dh0 + i, d);
  }
}

__attribute__((export_name("gemm_run")))
void gemm_run(GemmJob* job, int thread) {
  __atomic_fetch_add(&job->inside, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&job->open, __ATOMIC_SEQ_CST) && job->kind >= JOB_LSTM_SEQUENCE) {
    const int items = (job->rows + job->rowsPerItem - 1) / job->rowsPerItem;
    for (;;) {
      const int item = __atomic_fetch_add(&job->next, 1, __ATOMIC_SEQ_CST);
      if (item >= items) break;
      const int row0 = item * job->rowsPerItem;
      const int count = job->rows - row0 < job->rowsPerItem ? job->rows - row0 : job->rowsPerItem;
      if (job->kind >= JOB_LSTM_SEQUENCE_BACKWARD) run_sequence_backward(job, thread, row0, count);
      else run_sequence(job, thread, row0, count);
      if (thread != 0) __atomic_fetch_add(&job->helped, 1, __ATOMIC_SEQ_CST);
      __atomic_fetch_add(&job->done, 1, __ATOMIC_SEQ_CST);
    }
  } else if (__atomic_load_n(&job->open, __ATOMIC_SEQ_CST) && job->kind != JOB_PRODUCT) {
    const int items = (job->rows + job->rowsPerItem - 1) / job->rowsPerItem;
    for (;;) {
      const int item = __atomic_fetch_add(&job->next, 1, __ATOMIC_SEQ_CST);
      if (item >= items) break;
      const int row0 = item * job->rowsPerItem;
      run_rows(job, row0, job->rows - row0 < job->rowsPerItem ? job->rows - row0 : job->rowsPerItem);
      if (thread != 0) __atomic_fetch_add(&job->helped, 1, __ATOMIC_SEQ_CST);
      __atomic_fetch_add(&job->done, 1, __ATOMIC_SEQ_CST);
    }
  } else if (__atomic_load_n(&job->open, __ATOMIC_SEQ_CST)) {
    const int blocks = (job->m + job->blockRows - 1) / job->blockRows;
    const int panels = (job->n + 15) / 16, group = job->group;
    const int items = blocks * ((panels + group - 1) / group);
    const int k = job->k, chunk = job->chunk;
    float* p = job->scratch + (unsigned)thread * job->scratchFloats;
    int packed = -1;
    for (;;) {
      const int item = __atomic_fetch_add(&job->next, 1, __ATOMIC_SEQ_CST);
      if (item >= items) break;
      // Group-major order: a thread claiming consecutive items of a one-chunk product keeps its packed panels.
      const int first = item / blocks * group, row0 = (item % blocks) * job->blockRows;
      const int last = first + group < panels ? first + group : panels;
      const int row1 = row0 + job->blockRows < job->m ? row0 + job->blockRows : job->m;
      for (int k0 = 0; k0 < k; k0 += chunk) {
        const int depth = k - k0 < chunk ? k - k0 : chunk;
        if (depth < k || first != packed) {
          pack_panels(job, first, last, k0, depth, p);
          packed = depth < k ? -1 : first;
        }
        for (int panel = first; panel < last; panel++)
          gemm_rows(job, p + (unsigned)(panel - first) * (depth * 16 + 16), panel * 16, k0, depth, row0, row1);
      }
      if (thread != 0) __atomic_fetch_add(&job->helped, 1, __ATOMIC_SEQ_CST);
      __atomic_fetch_add(&job->done, 1, __ATOMIC_SEQ_CST);
    }
  }
  __atomic_fetch_sub(&job->inside, 1, __ATOMIC_SEQ_CST);
}
