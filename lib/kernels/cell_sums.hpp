#pragma once
// The sums of the valid samples of each AZxRG cell (looks) of a block's
// output region, and their counts, for the cells' means. Each cell sums its
// samples row by row, in the same order wherever the block starts.
#include <cstdint>

#include "geometry/row_block.hpp"

namespace geostrip {

// sample(row, col) gives {value, valid} of an input pixel; store(row, col,
// sum, count) receives each output cell's sum of valid values and their count.
template <class Sample, class Store>
void cell_sums(const Region& cells, Stride looks, Sample sample, Store store) {
  for (std::int64_t r = cells.rows.begin; r < cells.rows.end; ++r)
    for (std::int64_t c = cells.cols.begin; c < cells.cols.end; ++c) {
      using Sum = decltype(sample(0, 0).first);
      Sum sum{};
      int count = 0;
      for (int y = 0; y < looks.rows; ++y)
        for (int x = 0; x < looks.cols; ++x) {
          const auto [value, ok] = sample(r * looks.rows + y, c * looks.cols + x);
          if (ok) {
            sum += value;
            ++count;
          }
        }
      store(r, c, sum, count);
    }
}

}  // namespace geostrip
