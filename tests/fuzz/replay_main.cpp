// A stand-in for libFuzzer's main in builds without it: feeds every seed file, and a fixed set
// of deterministic mutations of each seed, to LLVMFuzzerTestOneInput.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

constexpr int kMutationsPerSeed = 2000;

void feed(const std::vector<std::uint8_t>& input) {
  LLVMFuzzerTestOneInput(input.data(), input.size());
}

void mutateAndFeed(std::vector<std::uint8_t> input, std::mt19937& random) {
  for (int round = 0; round < kMutationsPerSeed; ++round) {
    std::vector<std::uint8_t> mutated = input;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      const auto position = mutated.empty() ? 0 : random() % (mutated.size() + 1);
      const auto byte = static_cast<std::uint8_t>(random());
      switch (random() % 4) {
        case 0:
          if (!mutated.empty() && position < mutated.size()) mutated[position] = byte;
          break;
        case 1: mutated.insert(mutated.begin() + static_cast<std::ptrdiff_t>(position), byte); break;
        case 2:
          if (position < mutated.size()) mutated.erase(mutated.begin() + static_cast<std::ptrdiff_t>(position));
          break;
        default: mutated.resize(position); break;
      }
    }
    feed(mutated);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::mt19937 random(20261126);
  std::size_t seeds = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(argv[i])) {
      for (const auto& entry : std::filesystem::directory_iterator(argv[i])) files.push_back(entry.path());
    } else {
      files.emplace_back(argv[i]);
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream stream(file, std::ios::binary);
      const std::vector<std::uint8_t> input((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
      feed(input);
      mutateAndFeed(input, random);
      ++seeds;
    }
  }
  feed({});
  std::cout << "replayed " << seeds << " seeds with " << kMutationsPerSeed << " mutations each\n";
  return seeds > 0 ? 0 : 1;
}
