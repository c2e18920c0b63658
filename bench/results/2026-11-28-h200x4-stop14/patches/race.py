# lsa_gather reads its launch counter before griddepcontrol.wait again (791f8fd reverted): the bug
# lsa_gather_test must catch. Run from the repository root, then build lsa_gather_test.
p = 'ep_backend/src/lsa_gather.cu'
s = open(p).read()
old = '''  device_exchange::AwaitPredecessor();
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);'''
new = '''  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();'''
assert s.count(old) == 1
open(p, 'w').write(s.replace(old, new))
