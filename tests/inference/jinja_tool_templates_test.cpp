// Real templates driven through tool calls, tool results, tool lists, documents and thinking
// switches (the paths the plain conversations of expected.json do not reach), checked against
// what Python's Jinja2 3.1 rendered for the same inputs in Hugging Face's environment.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "chat/chat_template.h"
#include "chat/jinja.h"
#include "test_data.h"

namespace {

using namespace confidant::inference;

const char* const k_conversations = R"J({"tools_flow": [{"role": "system", "content": "Sys"}, {"role": "user", "content": "Weather?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call12345", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}}]}, {"role": "tool", "content": "{\"t\": 21}", "tool_call_id": "call12345"}, {"role": "assistant", "content": "It is 21."}, {"role": "user", "content": "Thanks"}], "tools_flow_strargs": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": "", "tool_calls": [{"id": "call12345", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]}, {"role": "tool", "content": "sunny", "tool_call_id": "call12345"}], "plain": [{"role": "user", "content": "  spaced  \n"}, {"role": "assistant", "content": "<think>hmm</think>Answer"}, {"role": "user", "content": "again"}], "empty": [], "system_only": [{"role": "system", "content": "only /no_think"}]})J";
const char* const k_extras = R"J({"none": {}, "tools": {"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather ☀", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["c", "f"]}, "days": {"type": "integer"}}, "required": ["city"]}, "return": {"type": "string", "description": "A report"}}}]}, "tools_in_system": {"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather ☀", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["c", "f"]}, "days": {"type": "integer"}}, "required": ["city"]}, "return": {"type": "string", "description": "A report"}}}], "tools_in_user_message": false}, "no_thinking": {"enable_thinking": false}, "builtin_tools": {"builtin_tools": ["code_interpreter", "brave_search"], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather ☀", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["c", "f"]}, "days": {"type": "integer"}}, "required": ["city"]}, "return": {"type": "string", "description": "A report"}}}]}, "documents": {"documents": [{"doc_id": 1, "text": "Doc text"}], "controls": {"citations": true}}, "custom_tools": {"date_string": "1 Jan 2025", "custom_tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather ☀", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["c", "f"]}, "days": {"type": "integer"}}, "required": ["city"]}, "return": {"type": "string", "description": "A report"}}}]}})J";

struct Case {
    const char* templateFile;
    const char* conversation;
    const char* extras;
    bool generationPrompt;
    const char* expected;
};

const Case k_cases[] = {
    {"Qwen-Qwen2.5-7B-Instruct.jinja", "tools_flow", "tools", true,
     R"J(<|im_start|>system
Sys

# Tools

You may call one or more functions to assist with the user query.

You are provided with function signatures within <tools></tools> XML tags:
<tools>
{"type": "function", "function": {"name": "get_weather", "description": "Get the weather ☀", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["c", "f"]}, "days": {"type": "integer"}}, "required": ["city"]}, "return": {"type": "string", "description": "A report"}}}
</tools>

For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:
<tool_call>
{"name": <function-name>, "arguments": <args-json-object>}
</tool_call><|im_end|>
<|im_start|>user
Weather?<|im_end|>
<|im_start|>assistant
<tool_call>
{"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}
</tool_call><|im_end|>
<|im_start|>user
<tool_response>
{"t": 21}
</tool_response><|im_end|>
<|im_start|>assistant
It is 21.<|im_end|>
<|im_start|>user
Thanks<|im_end|>
<|im_start|>assistant
)J"},
    {"Qwen-Qwen2.5-7B-Instruct.jinja", "tools_flow_strargs", "none", false,
     R"J(<|im_start|>system
You are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>
<|im_start|>user
Weather?<|im_end|>
<|im_start|>assistant
<tool_call>
{"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}
</tool_call><|im_end|>
<|im_start|>user
<tool_response>
sunny
</tool_response><|im_end|>
)J"},
    {"meta-llama-Llama-3.1-8B-Instruct.jinja", "tools_flow", "tools", true,
     R"J(<s><|start_header_id|>system<|end_header_id|>

Environment: ipython
Cutting Knowledge Date: December 2023
Today Date: 26 Jul 2024

Sys<|eot_id|><|start_header_id|>user<|end_header_id|>

Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.

Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.Do not use variables.

{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather ☀",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {
                    "type": "string",
                    "description": "City name"
                },
                "unit": {
                    "type": "string",
                    "enum": [
                        "c",
                        "f"
                    ]
                },
                "days": {
                    "type": "integer"
                }
            },
            "required": [
                "city"
            ]
        },
        "return": {
            "type": "string",
            "description": "A report"
        }
    }
}

Weather?<|eot_id|><|start_header_id|>assistant<|end_header_id|>

{"name": "get_weather", "parameters": {"city": "Paris", "days": 2}}<|eot_id|><|start_header_id|>ipython<|end_header_id|>

"{\"t\": 21}"<|eot_id|><|start_header_id|>assistant<|end_header_id|>

It is 21.<|eot_id|><|start_header_id|>user<|end_header_id|>

Thanks<|eot_id|><|start_header_id|>assistant<|end_header_id|>

)J"},
    {"meta-llama-Llama-3.1-8B-Instruct.jinja", "tools_flow", "tools_in_system", true,
     R"J(<s><|start_header_id|>system<|end_header_id|>

Environment: ipython
Cutting Knowledge Date: December 2023
Today Date: 26 Jul 2024

You have access to the following functions. To call a function, please respond with JSON for a function call.Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.Do not use variables.

{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather ☀",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {
                    "type": "string",
                    "description": "City name"
                },
                "unit": {
                    "type": "string",
                    "enum": [
                        "c",
                        "f"
                    ]
                },
                "days": {
                    "type": "integer"
                }
            },
            "required": [
                "city"
            ]
        },
        "return": {
            "type": "string",
            "description": "A report"
        }
    }
}

Sys<|eot_id|><|start_header_id|>user<|end_header_id|>

Weather?<|eot_id|><|start_header_id|>assistant<|end_header_id|>

{"name": "get_weather", "parameters": {"city": "Paris", "days": 2}}<|eot_id|><|start_header_id|>ipython<|end_header_id|>

"{\"t\": 21}"<|eot_id|><|start_header_id|>assistant<|end_header_id|>

It is 21.<|eot_id|><|start_header_id|>user<|end_header_id|>

Thanks<|eot_id|><|start_header_id|>assistant<|end_header_id|>

)J"},
    {"meta-llama-Llama-3.1-8B-Instruct.jinja", "tools_flow", "builtin_tools", true,
     R"J(<s><|start_header_id|>system<|end_header_id|>

Environment: ipython
Tools: brave_search

Cutting Knowledge Date: December 2023
Today Date: 26 Jul 2024

Sys<|eot_id|><|start_header_id|>user<|end_header_id|>

Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.

Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.Do not use variables.

{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather ☀",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {
                    "type": "string",
                    "description": "City name"
                },
                "unit": {
                    "type": "string",
                    "enum": [
                        "c",
                        "f"
                    ]
                },
                "days": {
                    "type": "integer"
                }
            },
            "required": [
                "city"
            ]
        },
        "return": {
            "type": "string",
            "description": "A report"
        }
    }
}

Weather?<|eot_id|><|start_header_id|>assistant<|end_header_id|>

{"name": "get_weather", "parameters": {"city": "Paris", "days": 2}}<|eom_id|><|start_header_id|>ipython<|end_header_id|>

"{\"t\": 21}"<|eot_id|><|start_header_id|>assistant<|end_header_id|>

It is 21.<|eot_id|><|start_header_id|>user<|end_header_id|>

Thanks<|eot_id|><|start_header_id|>assistant<|end_header_id|>

)J"},
    {"meta-llama-Llama-3.2-3B-Instruct.jinja", "tools_flow", "custom_tools", true,
     R"J(<s><|start_header_id|>system<|end_header_id|>

Environment: ipython
Cutting Knowledge Date: December 2023
Today Date: 1 Jan 2025

Sys<|eot_id|><|start_header_id|>user<|end_header_id|>

Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.

Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.Do not use variables.

{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather ☀",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {
                    "type": "string",
                    "description": "City name"
                },
                "unit": {
                    "type": "string",
                    "enum": [
                        "c",
                        "f"
                    ]
                },
                "days": {
                    "type": "integer"
                }
            },
            "required": [
                "city"
            ]
        },
        "return": {
            "type": "string",
            "description": "A report"
        }
    }
}

Weather?<|eot_id|><|start_header_id|>assistant<|end_header_id|>

{"name": "get_weather", "parameters": {"city": "Paris", "days": 2}}<|eot_id|><|start_header_id|>ipython<|end_header_id|>

"{\"t\": 21}"<|eot_id|><|start_header_id|>assistant<|end_header_id|>

It is 21.<|eot_id|><|start_header_id|>user<|end_header_id|>

Thanks<|eot_id|><|start_header_id|>assistant<|end_header_id|>

)J"},
    {"NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", "tools_flow", "tools", true,
     R"J(<s><|im_start|>system
You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. You may call one or more functions to assist with the user query. Don't make assumptions about what values to plug into functions. Here are the available tools: <tools> {"type": "function", "function": {"name": "get_weather", "description": "get_weather(city: str, unit: str, days: int) -> str - Get the weather ☀

    Args:
        city(str): City name        unit(str):         days(int): 
    Returns:
        A report", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["c", "f"]}, "days": {"type": "integer"}}, "required": ["city"]}} </tools>Use the following pydantic model json schema for each tool call you will make: {"properties": {"name": {"title": "Name", "type": "string"}, "arguments": {"title": "Arguments", "type": "object"}}, "required": ["name", "arguments"], "title": "FunctionCall", "type": "object"}}
For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:
<tool_call>
{"name": <function-name>, "arguments": <args-dict>}
</tool_call><|im_end|>
<|im_start|>system
Sys<|im_end|>
<|im_start|>user
Weather?<|im_end|>
<|im_start|>assistant
<tool_call>
{"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}
</tool_call><|im_end|>
<|im_start|>tool
<tool_response>
{"t": 21}
</tool_response>
<|im_end|><|im_start|>assistant
It is 21.<|im_end|>
<|im_start|>user
Thanks<|im_end|>
<|im_start|>assistant
)J"},
    {"NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", "tools_flow_strargs", "tools", false,
     R"J(<s><|im_start|>system
You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. You may call one or more functions to assist with the user query. Don't make assumptions about what values to plug into functions. Here are the available tools: <tools> {"type": "function", "function": {"name": "get_weather", "description": "get_weather(city: str, unit: str, days: int) -> str - Get the weather ☀

    Args:
        city(str): City name        unit(str):         days(int): 
    Returns:
        A report", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["c", "f"]}, "days": {"type": "integer"}}, "required": ["city"]}} </tools>Use the following pydantic model json schema for each tool call you will make: {"properties": {"name": {"title": "Name", "type": "string"}, "arguments": {"title": "Arguments", "type": "object"}}, "required": ["name", "arguments"], "title": "FunctionCall", "type": "object"}}
For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:
<tool_call>
{"name": <function-name>, "arguments": <args-dict>}
</tool_call><|im_end|>
<|im_start|>user
Weather?<|im_end|>
<|im_start|>assistant
<tool_call>
{"name": "get_weather", "arguments": {"city": "Paris"}}
</tool_call><|im_end|>
<|im_start|>tool
<tool_response>
sunny
</tool_response><|im_end|>)J"},
    {"mistralai-Mistral-Nemo-Instruct-2407.jinja", "tools_flow", "tools", true,
     R"J(<s>[INST]Weather?[/INST][TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris", "days": 2}, "id": "call12345"}]</s>[TOOL_RESULTS]{"content": {"t": 21}, "call_id": "call12345"}[/TOOL_RESULTS]It is 21.</s>[AVAILABLE_TOOLS][{"type": "function", "function": {"name": "get_weather", "description": "Get the weather ☀", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["c", "f"]}, "days": {"type": "integer"}}, "required": ["city"]}}}][/AVAILABLE_TOOLS][INST]Sys

Thanks[/INST])J"},
    {"ibm-granite-granite-3.0-8b-instruct.jinja", "plain", "tools", true,
     R"J(<|start_of_role|>available_tools<|end_of_role|>
{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather ☀",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {
                    "type": "string",
                    "description": "City name"
                },
                "unit": {
                    "type": "string",
                    "enum": [
                        "c",
                        "f"
                    ]
                },
                "days": {
                    "type": "integer"
                }
            },
            "required": [
                "city"
            ]
        },
        "return": {
            "type": "string",
            "description": "A report"
        }
    }
}<|end_of_text|>
<|start_of_role|>user<|end_of_role|>  spaced  
<|end_of_text|>
<|start_of_role|>assistant<|end_of_role|><think>hmm</think>Answer<|end_of_text|>
<|start_of_role|>user<|end_of_role|>again<|end_of_text|>
<|start_of_role|>assistant<|end_of_role|>)J"},
    {"ibm-granite-granite-3.3-2B-Instruct.jinja", "plain", "documents", true,
     R"J(<|start_of_role|>system<|end_of_role|>Knowledge Cutoff Date: April 2024. Today's Date: 26 Jul 2024. You are Granite, developed by IBM. Write the response to the user's input by strictly aligning with the facts in the provided documents. If the information needed to answer the question is not available in the documents, inform the user that the question cannot be answered based on the available data.
Use the symbols <|start_of_cite|> and <|end_of_cite|> to indicate when a fact comes from a document in the search result, e.g <|start_of_cite|> {document_id: 1}my fact <|end_of_cite|> for a fact from document 1. Afterwards, list all the citations with their corresponding documents in an ordered list.<|end_of_text|>
<|start_of_role|>document {"document_id": "1"}<|end_of_role|>
Doc text<|end_of_text|>
<|start_of_role|>user<|end_of_role|>  spaced  
<|end_of_text|>
<|start_of_role|>assistant<|end_of_role|><think>hmm</think>Answer<|end_of_text|>
<|start_of_role|>user<|end_of_role|>again<|end_of_text|>
<|start_of_role|>assistant {"citations": true}<|end_of_role|>)J"},
    {"ibm-granite-granite-3.3-2B-Instruct.jinja", "plain", "tools", false,
     R"J(<|start_of_role|>system<|end_of_role|>Knowledge Cutoff Date: April 2024. Today's Date: 26 Jul 2024. You are Granite, developed by IBM. You are a helpful assistant with access to the following tools. When a tool is required to answer the user's query, respond only with <|tool_call|> followed by a JSON list of tools used. If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request.<|end_of_text|>
<|start_of_role|>available_tools<|end_of_role|>[
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the weather ☀",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {
                        "type": "string",
                        "description": "City name"
                    },
                    "unit": {
                        "type": "string",
                        "enum": [
                            "c",
                            "f"
                        ]
                    },
                    "days": {
                        "type": "integer"
                    }
                },
                "required": [
                    "city"
                ]
            },
            "return": {
                "type": "string",
                "description": "A report"
            }
        }
    }
]<|end_of_text|>
<|start_of_role|>user<|end_of_role|>  spaced  
<|end_of_text|>
<|start_of_role|>assistant<|end_of_role|><think>hmm</think>Answer<|end_of_text|>
<|start_of_role|>user<|end_of_role|>again<|end_of_text|>
)J"},
    {"HuggingFaceTB-SmolLM3-3B.jinja", "plain", "no_thinking", true,
     R"J(<|im_start|>system
## Metadata

Knowledge Cutoff Date: June 2025
Reasoning Mode: /no_think

## Custom Instructions

You are a helpful AI assistant named SmolLM, trained by Hugging Face.

<|im_end|>
<|im_start|>user
  spaced  
<|im_end|>
<|im_start|>assistant
<think>

</think>
<think>hmm</think>Answer<|im_end|>
<|im_start|>user
again<|im_end|>
<|im_start|>assistant
<think>

</think>
)J"},
    {"HuggingFaceTB-SmolLM3-3B.jinja", "system_only", "none", true,
     R"J(<|im_start|>system
## Metadata

Knowledge Cutoff Date: June 2025
Reasoning Mode: /no_think

## Custom Instructions

only

<|im_end|>
<|im_start|>assistant
<think>

</think>
)J"},
    {"deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja", "plain", "none", true,
     R"J(<s><｜User｜>  spaced  
<｜Assistant｜>Answer<｜end▁of▁sentence｜><｜User｜>again<｜Assistant｜><think>
)J"},
    {"deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja", "tools_flow_strargs", "none", true,
     R"J(<s><｜User｜>Weather?<｜Assistant｜><｜end▁of▁sentence｜><｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>sunny<｜tool▁output▁end｜><｜tool▁outputs▁end｜>)J"},
};

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(JinjaToolTemplates, RenderLikeJinja2) {
    CONFIDANT_TESTDATA_FILE(dir, "chat-templates");
    auto conversations = chat::jsonToValue(k_conversations);
    auto extras = chat::jsonToValue(k_extras);
    ASSERT_TRUE(conversations.ok() && extras.ok());
    for (const Case& c : k_cases) {
        auto t = jinja::Template::parse(readFile(dir / c.templateFile));
        ASSERT_TRUE(t.ok()) << c.templateFile << ": " << t.error().message;
        jinja::Variables variables = {
            {"messages", *conversations->asDict().find(std::string_view(c.conversation))},
            {"add_generation_prompt", jinja::Value(c.generationPrompt)},
            {"bos_token", jinja::Value("<s>")},
            {"eos_token", jinja::Value("</s>")},
            {"strftime_now", jinja::Value::function([](const jinja::CallArgs&) { return jinja::Value("26 Jul 2024"); })},
        };
        for (const auto& [k, v] : extras->asDict().find(std::string_view(c.extras))->asDict().items)
            variables.emplace_back(k.asString(), v);
        auto out = t->render(variables);
        ASSERT_TRUE(out.ok()) << c.templateFile << " " << c.conversation << ": " << out.error().message;
        EXPECT_EQ(*out, c.expected) << c.templateFile << " " << c.conversation << " " << c.extras;
    }
}

}  // namespace
