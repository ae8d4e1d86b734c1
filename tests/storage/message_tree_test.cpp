// Conversations and their message trees: edit and regenerate make siblings, the selected branch
// follows, deletion repairs the selection.
#include <gtest/gtest.h>

#include <thread>

#include "reply_writer.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::addMessage;

std::vector<std::string> contents(const std::vector<Message>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(m.content);
    return out;
}

TEST(Conversations, CreateGetUpdateListAndDelete) {
    Database db = testing::openOrDie(":memory:");
    NewConversation draft{.title = "Trip to Lisbon", .modelRef = "llama-3.2-3b-q4_k_m.gguf",
                          .systemPrompt = "You are a travel guide."};
    draft.settings.sampler.temperature = 0.7;
    draft.settings.sampler.seed = 42;
    draft.settings.contextSize = 4096;
    auto created = createConversation(db, draft);
    ASSERT_TRUE(created.ok());
    EXPECT_EQ(created->id.size(), 36u);

    auto loaded = getConversation(db, created->id);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(*loaded, *created);
    EXPECT_EQ(loaded->settings.sampler.temperature, 0.7);
    EXPECT_EQ(loaded->settings.contextSize, 4096);
    EXPECT_FALSE(loaded->settings.sampler.topK.has_value());

    Conversation changed = *loaded;
    changed.title = "Lisbon, May";
    changed.pinned = true;
    changed.settings.maxTokens = 512;
    ASSERT_OK(updateConversation(db, changed));
    auto reloaded = getConversation(db, created->id);
    ASSERT_TRUE(reloaded.ok());
    EXPECT_EQ(reloaded->title, "Lisbon, May");
    EXPECT_TRUE(reloaded->pinned);
    EXPECT_EQ(reloaded->settings.maxTokens, 512);

    auto other = createConversation(db, {.title = "Other"});
    ASSERT_TRUE(other.ok());
    addMessage(db, other->id, "", Role::User, "hello");
    auto list = listConversations(db);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].conversation.id, created->id) << "pinned first";
    EXPECT_EQ((*list)[1].messageCount, 1);

    ASSERT_OK(setArchived(db, other->id, true));
    auto active = listConversations(db, {.includeArchived = false});
    ASSERT_TRUE(active.ok());
    EXPECT_EQ(active->size(), 1u);

    ASSERT_OK(deleteConversation(db, other->id));
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM messages"), 0) << "messages go with their conversation";
    auto gone = getConversation(db, other->id);
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.error().code, ErrorCode::NotFound);
    EXPECT_EQ(deleteConversation(db, other->id).error().code, ErrorCode::NotFound);
}

TEST(MessageTree, EditAndRegenerateCreateSiblingsAndMoveTheSelection) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Tree"});
    ASSERT_TRUE(c.ok());
    Message q1 = addMessage(db, c->id, "", Role::User, "What is 2+2?");
    Message a1 = addMessage(db, c->id, q1.id, Role::Assistant, "4");
    Message q2 = addMessage(db, c->id, a1.id, Role::User, "And 3+3?");
    Message a2 = addMessage(db, c->id, q2.id, Role::Assistant, "6");

    auto branch = loadSelectedBranch(db, c->id);
    ASSERT_TRUE(branch.ok());
    EXPECT_EQ(contents(*branch), (std::vector<std::string>{"What is 2+2?", "4", "And 3+3?", "6"}));

    // Regenerate the last reply: a sibling of a2 under q2.
    auto writer = ReplyWriter::begin(db, c->id, q2.id, "Six");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->finish(FinishReason::Stop, {}).ok());
    auto siblings = loadSiblings(db, a2.id);
    ASSERT_TRUE(siblings.ok());
    EXPECT_EQ(contents(*siblings), (std::vector<std::string>{"6", "Six"}));
    EXPECT_EQ(contents(*loadSelectedBranch(db, c->id)).back(), "Six");

    // Edit the first question: a new root sibling, shown alone.
    auto edited = editMessage(db, q1.id, "What is 2*2?");
    ASSERT_TRUE(edited.ok());
    EXPECT_TRUE(edited->parentId.empty());
    EXPECT_EQ(contents(*loadSelectedBranch(db, c->id)), (std::vector<std::string>{"What is 2*2?"}));
    EXPECT_EQ(loadSiblings(db, q1.id)->size(), 2u);

    // Back to the original branch: its newest leaf is shown.
    auto leaf = selectBranch(db, q1.id);
    ASSERT_TRUE(leaf.ok());
    EXPECT_EQ(*leaf, writer->messageId());
    EXPECT_EQ(contents(*loadSelectedBranch(db, c->id)), (std::vector<std::string>{"What is 2+2?", "4", "And 3+3?", "Six"}));
    EXPECT_EQ(getConversation(db, c->id)->selectedLeafId, writer->messageId());

    auto path = loadPathTo(db, a2.id);
    ASSERT_TRUE(path.ok());
    EXPECT_EQ(contents(*path), (std::vector<std::string>{"What is 2+2?", "4", "And 3+3?", "6"}));

    auto all = loadConversation(db, c->id);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->messages.size(), 6u);
    auto shown = selectedBranch(*all);
    ASSERT_EQ(shown.size(), 4u);
    EXPECT_EQ(shown.back()->content, "Six");
    EXPECT_EQ(siblingPosition(*all, *shown.back()), std::make_pair(2, 2));
}

TEST(MessageTree, DeletingTheShownBranchSelectsTheNewestRemainingOne) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Delete"});
    ASSERT_TRUE(c.ok());
    Message q = addMessage(db, c->id, "", Role::User, "Question");
    Message first = addMessage(db, c->id, q.id, Role::Assistant, "First answer");
    Message second = addMessage(db, c->id, q.id, Role::Assistant, "Second answer");
    addMessage(db, c->id, second.id, Role::User, "Follow-up");
    ASSERT_OK(deleteMessage(db, second.id));
    EXPECT_EQ(contents(*loadSelectedBranch(db, c->id)), (std::vector<std::string>{"Question", "First answer"}));
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM messages"), 2) << "the follow-up went with its parent";
    ASSERT_OK(deleteMessage(db, q.id));
    EXPECT_TRUE(loadSelectedBranch(db, c->id)->empty());
    EXPECT_TRUE(getConversation(db, c->id)->selectedLeafId.empty());
    (void)first;
}

TEST(MessageTree, RejectsUnknownOrForeignParents) {
    Database db = testing::openOrDie(":memory:");
    auto a = createConversation(db, {.title = "A"});
    auto b = createConversation(db, {.title = "B"});
    ASSERT_TRUE(a.ok() && b.ok());
    Message inA = addMessage(db, a->id, "", Role::User, "in A");
    auto wrong = appendMessage(db, {.conversationId = b->id, .parentId = inA.id, .content = "x"});
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, ErrorCode::InvalidInput);
    auto missing = appendMessage(db, {.conversationId = "no-such-id", .content = "x"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM messages"), 1);
}

}  // namespace
}  // namespace confidant::storage
