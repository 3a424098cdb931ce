import openai_lite as openai

models = openai.Model.list()
print(models.object, [m.id for m in models.data][:2])
print(openai.Model.retrieve("gpt-4o-mini").owned_by)
print(openai.Model.delete("ft:gpt-3.5-turbo:acme::abc123").deleted)
