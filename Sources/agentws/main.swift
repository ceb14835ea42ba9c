print("agentws")
