// Loading a model: header, hyperparameters, weights, tokenizer, each validated in turn.
#include "model.h"

namespace confidant::inference {

Result<std::shared_ptr<const Model>> Model::load(const std::string& path) {
    auto file = GgufFile::open(path);
    if (!file) return file.error();
    auto model = fromGguf(std::move(*file));
    if (!model) return makeError("cannot load '" + path + "': " + model.error().message);
    return model;
}

Result<std::shared_ptr<const Model>> Model::fromGguf(std::shared_ptr<const GgufFile> file) {
    auto model = std::shared_ptr<Model>(new Model);
    model->m_file = std::move(file);
    auto config = ModelConfig::fromGguf(*model->m_file);
    if (!config) return config.error();
    model->m_config = std::move(*config);
    auto weights = ModelWeights::fromGguf(*model->m_file, model->m_config);
    if (!weights) return weights.error();
    model->m_weights = std::move(*weights);
    auto vocabulary = Vocabulary::fromGguf(*model->m_file);
    if (!vocabulary) return vocabulary.error();
    if (vocabulary->size() != model->m_config.vocabSize)
        return makeError("the vocabulary has " + std::to_string(vocabulary->size()) + " tokens but the output layer has " +
                         std::to_string(model->m_config.vocabSize) + " rows");
    auto tokenizer = Tokenizer::create(std::move(*vocabulary));
    if (!tokenizer) return tokenizer.error();
    model->m_tokenizer = std::move(*tokenizer);
    return std::shared_ptr<const Model>(std::move(model));
}

Graph Model::buildGraph(uint32_t tokenCount) const {
    if (m_config.family == Architecture::Gemma2) return buildGemma2Graph(m_config, m_weights, tokenCount);
    return buildLlamaGraph(m_config, m_weights, tokenCount);
}

}  // namespace confidant::inference
