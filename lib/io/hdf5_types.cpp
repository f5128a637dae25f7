#include "io/hdf5_types.hpp"

#include <string>

namespace geostrip {

std::optional<PixelType> pixel_type(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_COMPOUND: {
      // Exactly {r, i}: two packed floats of one size (2 or 4 bytes). Anything
      // else (a damaged type description) is refused before HDF5 converts it.
      if (H5Tget_nmembers(type) != 2) return std::nullopt;
      std::size_t part = 0;
      for (unsigned m = 0; m < 2; ++m) {
        char* name = H5Tget_member_name(type, m);
        const bool named = name && std::string(name) == (m == 0 ? "r" : "i");
        H5free_memory(name);
        if (!named || H5Tget_member_class(type, m) != H5T_FLOAT) return std::nullopt;
        const Handle member(H5Tget_member_type(type, m), H5Tclose);
        const std::size_t size = H5Tget_size(member.get());
        if ((size != 2 && size != 4) || (m == 1 && size != part) || H5Tget_member_offset(type, m) != m * size)
          return std::nullopt;
        part = size;
      }
      if (H5Tget_size(type) != 2 * part) return std::nullopt;
      return PixelType::CFloat32;
    }
    case H5T_FLOAT: return H5Tget_size(type) <= 4 ? PixelType::Float32 : PixelType::Float64;
    case H5T_INTEGER: {
      const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      switch (H5Tget_size(type)) {
        case 1: return is_signed ? PixelType::Int8 : PixelType::Byte;
        case 2: return is_signed ? PixelType::Int16 : PixelType::UInt16;
        case 4: return is_signed ? PixelType::Int32 : PixelType::UInt32;
        default: return std::nullopt;  // 64-bit integers: not exact in geostrip's arithmetic
      }
    }
    default: return std::nullopt;
  }
}

Handle memory_type(PixelType type) {
  switch (type) {
    case PixelType::Byte: return Handle(H5Tcopy(H5T_NATIVE_UINT8), H5Tclose);
    case PixelType::Int8: return Handle(H5Tcopy(H5T_NATIVE_INT8), H5Tclose);
    case PixelType::UInt16: return Handle(H5Tcopy(H5T_NATIVE_UINT16), H5Tclose);
    case PixelType::Int16: return Handle(H5Tcopy(H5T_NATIVE_INT16), H5Tclose);
    case PixelType::UInt32: return Handle(H5Tcopy(H5T_NATIVE_UINT32), H5Tclose);
    case PixelType::Int32: return Handle(H5Tcopy(H5T_NATIVE_INT32), H5Tclose);
    case PixelType::Float32: return Handle(H5Tcopy(H5T_NATIVE_FLOAT), H5Tclose);
    case PixelType::Float64: return Handle(H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose);
    case PixelType::CFloat32: return complex64_type();
  }
  return Handle(-1, H5Tclose);
}

}  // namespace geostrip
