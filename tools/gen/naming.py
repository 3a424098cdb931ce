"""The names openai-python uses where the spec says otherwise: types, request shapes, aliases, modules.

These tables are what most often changes when openai-python renames or moves a type.
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple


# Spec schema name -> the class name openai-python uses, where code already relies on it.
# Every other schema keeps its spec name (resolve_model falls back to BaseModel for unknown names).
TYPE_NAMES: Dict[str, str] = {
    "CreateChatCompletionResponse": "ChatCompletion",
    "CreateChatCompletionStreamResponse": "ChatCompletionChunk",
    "DeleteModelResponse": "ModelDeleted",
}


# Resource path segments whose class name is not plain CamelCase.
CLASS_NAMES: Dict[str, str] = {"chatkit": "ChatKit"}


ACRONYMS: Dict[str, str] = {"api": "API"}


def type_name(schema_name: Optional[str]) -> Optional[str]:
    if schema_name is None:
        return None
    return TYPE_NAMES.get(schema_name, schema_name)


# Spec names -> the class names openai-python uses (both names resolve at run time).
TYPE_NAMES.update({
    "ChatCompletionResponseMessage": "ChatCompletionMessage",
    "ChatCompletionMessageToolCall": "ChatCompletionMessageFunctionToolCall",
    "ChatCompletionMessageToolCallChunk": "ChoiceDeltaToolCall",
    "ChatCompletionStreamResponseDelta": "ChoiceDelta",
    "ChatCompletionTokenLogprob": "ChatCompletionTokenLogprob",
    "OpenAIFile": "FileObject",
    "DeleteFileResponse": "FileDeleted",
    "CreateModerationResponse": "ModerationCreateResponse",
    "Moderation": "ResponseModeration",
    "CreateCompletionResponse": "Completion",
    "AssistantObject": "Assistant",
    "DeleteAssistantResponse": "AssistantDeleted",
    "ThreadObject": "Thread",
    "DeleteThreadResponse": "ThreadDeleted",
    "RunObject": "Run",
    "Message": "ConversationMessage",
    "MessageObject": "Message",
    "DeleteMessageResponse": "MessageDeleted",
    "RunStepObject": "RunStep",
    "MessageDeltaObject": "MessageDeltaEvent",
    "RunStepDeltaObject": "RunStepDeltaEvent",
    "VectorStoreObject": "VectorStore",
    "DeleteVectorStoreResponse": "VectorStoreDeleted",
    "VectorStoreFileObject": "VectorStoreFile",
    "DeleteVectorStoreFileResponse": "VectorStoreFileDeleted",
    "VectorStoreFileBatchObject": "VectorStoreFileBatch",
    "OutputItem": "ResponseOutputItem",
    "OutputMessage": "ResponseOutputMessage",
    "OutputMessageContent": "ResponseOutputMessageContent",
    "OutputTextContent": "ResponseOutputText",
    "ResponseOutputText": "ResponseOutputTextPart",
    "FunctionToolCall": "ResponseFunctionToolCall",
    "FileSearchToolCall": "ResponseFileSearchToolCall",
    "WebSearchToolCall": "ResponseFunctionWebSearch",
    "ComputerToolCall": "ResponseComputerToolCall",
    "ReasoningItem": "ResponseReasoningItem",
    "CodeInterpreterToolCall": "ResponseCodeInterpreterToolCall",
    "CreateTranscriptionResponseJson": "Transcription",
    "CreateTranslationResponseJson": "Translation",
    "CreateEmbeddingResponse": "CreateEmbeddingResponse",
    "ChatCompletionTool": "ChatCompletionFunctionTool",
    "VideoResource": "Video",
    "ConversationResource": "Conversation",
    "DeletedConversationResource": "ConversationDeleted",
})


# Schemas whose request-side TypedDict has an openai-python name other than "<Name>Param".
PARAM_NAMES: Dict[str, str] = {
    "ChatCompletionRequestMessage": "ChatCompletionMessageParam",
    "ChatCompletionRequestDeveloperMessage": "ChatCompletionDeveloperMessageParam",
    "ChatCompletionRequestSystemMessage": "ChatCompletionSystemMessageParam",
    "ChatCompletionRequestUserMessage": "ChatCompletionUserMessageParam",
    "ChatCompletionRequestAssistantMessage": "ChatCompletionAssistantMessageParam",
    "ChatCompletionRequestToolMessage": "ChatCompletionToolMessageParam",
    "ChatCompletionRequestFunctionMessage": "ChatCompletionFunctionMessageParam",
    "ChatCompletionMessageToolCall": "ChatCompletionMessageFunctionToolCallParam",
    "ChatCompletionTool": "ChatCompletionFunctionToolParam",
    "InputItem": "ResponseInputItemParam",
    "EasyInputMessage": "EasyInputMessageParam",
    "FunctionObject": "FunctionDefinition",
}


# Extra names for the same type (openai-python keeps these for compatibility).
TYPE_ALIASES: Dict[str, str] = {
    "ChatCompletionMessageToolCall": "ChatCompletionMessageFunctionToolCall",
    "ChatCompletionToolParam": "ChatCompletionFunctionToolParam",
}


# openai-python's names for types the spec names otherwise, or that it keeps in another module:
# (name, module below openai_lite.types where openai-python has it) -> our type. At run time and in the
# stubs the name is the same type (an alias); a name may stand for different types in different modules,
# as in openai-python (``beta.FileSearchTool`` is the Assistants tool, ``responses.FileSearchTool`` not).
OPENAI_NAMES: Dict[Tuple[str, str], str] = {
    ("ResponseFormatJSONSchema", ""): "ResponseFormatJsonSchema",
    ("ResponseFormatJSONObject", ""): "ResponseFormatJsonObject",
    ("ResponseFormatText", ""): "ResponseFormatText",
    ("Reasoning", ""): "Reasoning",
    ("ChatModel", ""): "ModelIdsShared",
    ("ErrorObject", ""): "Error",
    ("ChatCompletionContentPartParam", "chat"): "ChatCompletionRequestUserMessageContentPartParam",
    ("ChatCompletionContentPartTextParam", "chat"): "ChatCompletionRequestMessageContentPartTextParam",
    ("ChatCompletionContentPartImageParam", "chat"): "ChatCompletionRequestMessageContentPartImageParam",
    ("ChatCompletionContentPartInputAudioParam", "chat"): "ChatCompletionRequestMessageContentPartAudioParam",
    ("ChatCompletionContentPartRefusalParam", "chat"): "ChatCompletionRequestMessageContentPartRefusalParam",
    ("ChatCompletionContentPartText", "chat"): "ChatCompletionRequestMessageContentPartText",
    ("ChatCompletionContentPartImage", "chat"): "ChatCompletionRequestMessageContentPartImage",
    ("ChatCompletionMessageToolCallParam", "chat"): "ChatCompletionMessageFunctionToolCallParam",
    ("ChatCompletionMessageToolCallUnion", "chat"): "ChatCompletionMessageToolCallsItem",
    ("ChatCompletionAudio", "chat"): "ChatCompletionMessageAudio",
    ("ChatCompletionStoreMessage", "chat"): "ChatCompletionMessageListData",
    ("ChatCompletionReasoningEffort", "chat"): "ReasoningEffort",
    ("ResponseInputParam", "responses"): "InputParam",
    ("ResponseInputTextParam", "responses"): "InputTextContentInputParam",
    ("ResponseInputImageParam", "responses"): "InputImageContentParam",
    ("ResponseInputText", "responses"): "InputTextContent",
    ("ResponseInputImage", "responses"): "InputImageContent",
    ("ResponseItem", "responses"): "ItemResource",
    ("ResponseIncludable", "responses"): "IncludeEnum",
    ("ResponseTextConfig", "responses"): "ResponseText",
    ("ResponseTextConfigParam", "responses"): "ResponseTextParam",
    ("Tool", "responses"): "Tool",
    ("ToolParam", "responses"): "ToolParam",
    ("FunctionTool", "responses"): "FunctionTool",
    ("FileSearchTool", "responses"): "FileSearchTool",
    ("FileSearchToolParam", "responses"): "FileSearchToolParam",
    ("WebSearchTool", "responses"): "WebSearchTool",
    ("WebSearchToolParam", "responses"): "WebSearchToolParam",
    ("EasyInputMessage", "responses"): "EasyInputMessage",
    ("EasyInputMessageParam", "responses"): "EasyInputMessageParam",
    ("ToolChoiceOptions", "responses"): "ToolChoiceOptions",
    ("ToolChoiceFunctionParam", "responses"): "ToolChoiceFunctionParam",
    ("ResponseFormatTextJSONSchemaConfigParam", "responses"): "TextResponseFormatJsonSchemaParam",
    ("AssistantToolChoice", "beta"): "AssistantsNamedToolChoice",
    ("AssistantToolChoiceParam", "beta"): "AssistantsNamedToolChoiceParam",
    ("CodeInterpreterTool", "beta"): "AssistantToolsCode",
    ("FileSearchTool", "beta"): "AssistantToolsFileSearch",
    ("FunctionTool", "beta"): "AssistantToolsFunction",
    ("Text", "beta.threads"): "MessageContentTextObjectText",
    ("TextDelta", "beta.threads"): "MessageDeltaContentTextObjectText",
    ("TextContentBlock", "beta.threads"): "MessageContentTextObject",
    ("TextDeltaBlock", "beta.threads"): "MessageDeltaContentTextObject",
    ("ImageFile", "beta.threads"): "MessageContentImageFileObjectImageFile",
    ("ImageFileContentBlock", "beta.threads"): "MessageContentImageFileObject",
    ("ImageURLContentBlock", "beta.threads"): "MessageContentImageUrlObject",
    ("RefusalContentBlock", "beta.threads"): "MessageContentRefusalObject",
    ("Annotation", "beta.threads"): "MessageContentTextObjectTextAnnotation",
    ("FileCitationAnnotation", "beta.threads"): "MessageContentTextAnnotationsFileCitationObject",
    ("FilePathAnnotation", "beta.threads"): "MessageContentTextAnnotationsFilePathObject",
    ("MessageDelta", "beta.threads"): "MessageDeltaEventDelta",
    ("RequiredActionFunctionToolCall", "beta.threads"): "RunToolCallObject",
    ("RunStepDelta", "beta.threads.runs"): "RunStepDeltaEventDelta",
    ("ToolCall", "beta.threads.runs"): "RunStepDetailsToolCallsObjectToolCall",
    ("ToolCallDelta", "beta.threads.runs"): "RunStepDeltaStepDetailsToolCallsObjectToolCall",
    ("ToolCallsStepDetails", "beta.threads.runs"): "RunStepDetailsToolCallsObject",
    ("CodeInterpreterToolCall", "beta.threads.runs"): "RunStepDetailsToolCallsCodeObject",
    ("FileSearchToolCall", "beta.threads.runs"): "RunStepDetailsToolCallsFileSearchObject",
    ("FunctionToolCall", "beta.threads.runs"): "RunStepDetailsToolCallsFunctionObject",
    ("CodeInterpreterToolCallDelta", "beta.threads.runs"): "RunStepDeltaStepDetailsToolCallsCodeObject",
    ("FileSearchToolCallDelta", "beta.threads.runs"): "RunStepDeltaStepDetailsToolCallsFileSearchObject",
    ("FunctionToolCallDelta", "beta.threads.runs"): "RunStepDeltaStepDetailsToolCallsFunctionObject",
    ("TranscriptionVerbose", "audio"): "CreateTranscriptionResponseVerboseJson",
    ("TranslationVerbose", "audio"): "CreateTranslationResponseVerboseJson",
}


# Names of inline objects (parent type, field) where openai-python has a shorter one.
INLINE_NAMES: Dict[Tuple[str, str], str] = {
    ("ChatCompletion", "choices"): "ChatCompletionChoice",
    ("ChatCompletionChunk", "choices"): "ChatCompletionChunkChoice",
    ("ModerationCreateResponse", "results"): "Moderation",
    ("ChoiceDeltaToolCall", "function"): "ChoiceDeltaToolCallFunction",
    ("ChatCompletionMessageFunctionToolCall", "function"): "ChatCompletionMessageFunctionToolCallFunction",
}


# The public module (below openai_lite.types) of a type, by the resource of the operations using
# it: the first matching prefix wins; types used by several modules go to the top module.
TYPE_MODULE_RULES: Tuple[Tuple[str, str], ...] = (
    ("chat.", "chat"),
    ("beta.chat.", "chat"),
    ("responses", "responses"),
    ("beta.responses", "responses"),
    ("beta.threads.runs.steps", "beta.threads.runs"),
    ("beta.threads.runs", "beta.threads"),
    ("beta.threads.messages", "beta.threads"),
    ("beta.", "beta"),
    ("audio.", "audio"),
    ("vector_stores.", "vector_stores"),
    ("fine_tuning.", "fine_tuning"),
    ("evals.", "evals"),
    ("conversations", "conversations"),
    ("realtime.", "realtime"),
    ("containers.", "containers"),
    ("uploads.", "uploads"),
    ("admin.", "admin"),
)


# Where openai-python has a type that several modules use.
TYPE_MODULES: Dict[str, str] = {
    "Run": "beta.threads", "Message": "beta.threads", "MessageDeltaEvent": "beta.threads",
    "RunStep": "beta.threads.runs", "RunStepDeltaEvent": "beta.threads.runs",
    "Thread": "beta", "Assistant": "beta", "AssistantStreamEvent": "beta",
    "ChatCompletionMessageParam": "chat", "ChatCompletionTokenLogprob": "chat",
    "ResponseStreamEvent": "responses", "Response": "responses", "ResponseOutputItem": "responses",
    "FunctionDefinition": "", "ConversationMessage": "conversations",
}


# Types used by several modules whose name says where openai-python keeps them.
TYPE_NAME_MODULES: Tuple[Tuple[str, str], ...] = (("Response", "responses"), ("ChatCompletion", "chat"),
                                                  ("Realtime", "realtime"), ("FineTuning", "fine_tuning"))


WEBHOOK_MODULE = "webhooks"
